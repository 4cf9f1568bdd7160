/**
 * Call signalling between stand-in softphones (`/sim/signal` WebSocket on the apps origin), in
 * innovaphone's published PbxSignal protocol (PbxSignal.htm, 14r1 SDK) carrying the published
 * JSON Signal messages (Signal.htm): a softphone registers, then exchanges `Signaling {call, sig}`
 * with the sim, which routes each call between the two users as a PBX does: the callee's leg gets
 * its own (negative) call id, the calling party is filled in from the registration, media
 * descriptions (`channels` + `channels_cmd`) pass unchanged, and a call nobody can take is
 * released with a Q.931 cause. See docs/pbx-sim.md.
 *
 *   client → sim  {api:"PbxSignal", mt:"Register", hw, src?}      → RegisterResult {src?} | {…, err}
 *   client → sim  {api:"PbxSignal", mt:"Signaling", call, sig}     → the other leg(s) of the call get
 *                                                                     {api, mt:"Signaling", call:<their id>, sig}
 *
 * Sim-only simplifications (the sim has no devices and no app logins): `hw` names the user (its
 * SIP name), and a registration is accepted only for a user with a logged-in myApps session.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { z } from 'zod';
import { ChannelsCmdSchema, ChannelsSchema } from '../../common/media';

export const SIM_SIGNAL_PATH = '/sim/signal';
const MAX_FRAME = 256 * 1024;
const API = 'PbxSignal';

/** Q.931 causes the sim releases calls with. */
export const Cause = { UNALLOCATED_NUMBER: 1, NORMAL_CLEARING: 16, USER_BUSY: 17, SUBSCRIBER_ABSENT: 20 } as const;

const EndpointSchema = z.object({ num: z.string().max(100).optional(), sip: z.string().max(200).optional() });
/**
 * A Signal message (Signal.htm). The properties the sim looks at are checked; the others (fty,
 * uui, dsp, …) pass through unchanged, as through a PBX.
 */
export const SignalMessageSchema = z.looseObject({
  type: z.enum(['setup', 'accept', 'info', 'progress', 'call_proc', 'alert', 'conn', 'disc', 'rel', 'channels', 'facility', 'user_info', 'media_info']),
  cg: EndpointSchema.optional(),
  cd: EndpointSchema.optional(),
  channel: z.number().int().optional(),
  channels_cmd: ChannelsCmdSchema.optional(),
  channels: ChannelsSchema.optional(),
  cau: z.object({ loc: z.union([z.string(), z.number()]).optional(), num: z.union([z.string(), z.number()]) }).optional(),
});
export type SignalMessage = z.infer<typeof SignalMessageSchema>;

export const PbxSignalClientSchema = z.discriminatedUnion('mt', [
  z.object({ api: z.literal(API), mt: z.literal('Register'), src: z.string().max(200).optional(), hw: z.string().min(1).max(200), flags: z.string().max(200).optional() }),
  z.object({ api: z.literal(API), mt: z.literal('Signaling'), src: z.string().max(200).optional(), call: z.number().int().min(-0x7fffffff).max(0x7fffffff), sig: SignalMessageSchema }),
]);
export type PbxSignalClientMessage = z.infer<typeof PbxSignalClientSchema>;

export interface SignalRegistration { id: number; sip: string }

export interface SignalRelay {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Current registrations (for tests and the control API). */
  registrations(): SignalRegistration[];
  /** How many Signaling messages were delivered to another leg. */
  relayed(): number;
  /** Calls in progress. */
  calls(): number;
  close(): void;
}

interface Leg { ws: WebSocket; call: number }
interface SimCall { a: Leg; b: Leg[]; answered: boolean }

export function createSignalRelay(opts: {
  /** A registration is accepted only for a user with a logged-in myApps session. */
  isLoggedIn(sip: string): boolean;
  /** The SIP name of the user an endpoint names (`sip`, or `num` as the user's number). */
  findUser?(ep: { sip?: string; num?: string }): string | undefined;
  /** A user's number, for the calling party (`cg.num`) of the calls it makes. */
  numberOf?(sip: string): string | undefined;
  log?: (line: string) => void;
}): SignalRelay {
  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const regs = new Map<WebSocket, SignalRegistration>();
  const calls = new Set<SimCall>();
  let nextId = 1;
  let nextInbound = -1;
  let relayed = 0;
  const send = (ws: WebSocket, m: Record<string, unknown>): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };
  const deliver = (leg: Leg, sig: Record<string, unknown>): void => {
    send(leg.ws, { api: API, mt: 'Signaling', call: leg.call, sig });
    relayed++;
  };
  const release = (leg: Leg, num: number): void => send(leg.ws, { api: API, mt: 'Signaling', call: leg.call, sig: { type: 'rel', cau: { loc: 'pbx', num } } });
  const findCall = (ws: WebSocket, id: number): { call: SimCall; from: Leg } | undefined => {
    for (const call of calls) {
      if (call.a.ws === ws && call.a.call === id) return { call, from: call.a };
      const b = call.b.find((l) => l.ws === ws && l.call === id);
      if (b) return { call, from: b };
    }
    return undefined;
  };

  /** "setup PROPOSAL [audio,video,collab]": what a Signal message carries, for the log. */
  const describe = (sig: SignalMessage): string => {
    const media = sig.channels ? ` [${Object.keys(sig.channels).filter((k) => k.endsWith('_ice')).map((k) => k.slice(0, -4)).join(',')}]` : '';
    return `${sig.type}${sig.channels_cmd ? ` ${sig.channels_cmd}` : ''}${media}`;
  };
  const setup = (ws: WebSocket, from: SignalRegistration, id: number, sig: SignalMessage): void => {
    const cd = sig.cd ?? {};
    const to = opts.findUser ? opts.findUser(cd) : cd.sip;
    const targets = [...regs].filter(([peer, reg]) => peer !== ws && reg.sip === to).map(([peer]) => peer);
    log(`signal: ${from.sip} ${describe(sig)} to ${to ?? '?'} (${targets.length} registration(s))`);
    if (!to || !targets.length) return release({ ws, call: id }, to ? Cause.SUBSCRIBER_ABSENT : Cause.UNALLOCATED_NUMBER);
    const call: SimCall = { a: { ws, call: id }, b: targets.map((peer) => ({ ws: peer, call: nextInbound-- })), answered: false };
    calls.add(call);
    // the PBX names the calling party from the registration: its SIP name and number
    const num = opts.numberOf?.(from.sip);
    for (const leg of call.b) deliver(leg, { ...sig, cg: { ...(sig.cg ?? {}), sip: from.sip, ...(num ? { num } : {}) } });
  };

  const signaling = (ws: WebSocket, from: SignalRegistration, id: number, sig: SignalMessage): void => {
    const hit = findCall(ws, id);
    if (!hit) {
      // calls the application starts have positive ids; negative ones are the PBX's (inbound)
      if (sig.type === 'setup') return id > 0 ? setup(ws, from, id, sig) : send(ws, { api: API, mt: 'Error', err: `setup needs a positive call id, got ${id}` });
      if (sig.type !== 'rel') release({ ws, call: id }, Cause.NORMAL_CLEARING);
      return;
    }
    const { call, from: leg } = hit;
    log(`signal: ${from.sip} ${describe(sig)}`);
    if (leg === call.a) {
      for (const b of call.b) deliver(b, sig);
    } else {
      if (sig.type === 'conn' && !call.answered) {
        // the first to answer gets the call; the other registrations are released
        call.answered = true;
        for (const other of call.b.filter((x) => x !== leg)) release(other, Cause.NORMAL_CLEARING);
        call.b = [leg];
      }
      if (sig.type === 'rel' && call.b.length > 1 && !call.answered) {
        call.b = call.b.filter((x) => x !== leg);
        return;
      }
      deliver(call.a, sig);
    }
    if (sig.type === 'rel') calls.delete(call);
  };

  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const r = PbxSignalClientSchema.safeParse(parsed);
      if (!r.success) {
        const i = r.error.issues[0];
        return send(ws, { api: API, mt: 'Error', err: `invalid PbxSignal message: ${i ? `${i.path.join('.')}: ${i.message}` : ''}` });
      }
      const m = r.data;
      if (m.mt === 'Register') {
        const src = m.src !== undefined ? { src: m.src } : {};
        if (!opts.isLoggedIn(m.hw)) return send(ws, { api: API, mt: 'RegisterResult', ...src, err: `user ${m.hw} is not logged in to the sim` });
        regs.set(ws, { id: nextId++, sip: m.hw });
        log(`signal: ${m.hw} registered`);
        return send(ws, { api: API, mt: 'RegisterResult', ...src });
      }
      const from = regs.get(ws);
      if (!from) return send(ws, { api: API, mt: 'Error', err: 'Signaling needs a Register first' });
      // validated above; what goes on is the message as sent (a PBX passes channels unchanged)
      signaling(ws, from, m.call, (parsed as { sig: SignalMessage }).sig);
    });
    ws.on('close', () => {
      regs.delete(ws);
      // a softphone that goes away releases its calls
      for (const call of [...calls]) {
        const legs = [call.a, ...call.b];
        if (!legs.some((l) => l.ws === ws)) continue;
        if (call.a.ws === ws) call.b.forEach((l) => release(l, Cause.NORMAL_CLEARING));
        else {
          call.b = call.b.filter((l) => l.ws !== ws);
          if (call.b.length) continue;
          release(call.a, Cause.NORMAL_CLEARING);
        }
        calls.delete(call);
      }
    });
    ws.on('error', () => {});
  });

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    registrations: () => [...regs.values()].map((r) => ({ ...r })),
    relayed: () => relayed,
    calls: () => calls.size,
    close() {
      for (const ws of regs.keys()) ws.terminate();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      calls.clear();
    },
  };
}
