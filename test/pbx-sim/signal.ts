/**
 * Simulator-only call signalling between stand-in softphones (`/sim/signal` WebSocket on the apps
 * origin). innovaphone's own signalling between a softphone app and the PBX (PbxSignal) is not
 * public, so this is ours and exists only in pbx-sim: a softphone registers under the SIP name of
 * a user that is logged in to the sim, and the sim relays opaque call messages between the
 * registrations of two users. What the messages mean (Setup/Alert/Connect/Disc with MediaConfig-like
 * descriptions, candidates) is the softphone's business (www/APPS/softphone.js); see docs/pbx-sim.md.
 *
 *   client → sim  {mt:"SimRegister", sip}            → {mt:"SimRegisterResult", sip} | {…, error}
 *   client → sim  {mt:"SimSignal", to, call, msg}     → each registration of `to` (but the sender)
 *                                                      gets {mt:"SimSignal", from, call, msg};
 *                                                      none: {mt:"SimSignalError", to, call, errorText}
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';
import { z } from 'zod';

export const SIM_SIGNAL_PATH = '/sim/signal';
const MAX_FRAME = 256 * 1024;

const name = z.string().min(1).max(200);
export const SimSignalClientSchema = z.discriminatedUnion('mt', [
  z.object({ mt: z.literal('SimRegister'), sip: name }),
  z.object({ mt: z.literal('SimSignal'), to: name, call: name, msg: z.record(z.string(), z.unknown()) }),
]);
export type SimSignalClientMessage = z.infer<typeof SimSignalClientSchema>;

export interface SignalRegistration { id: number; sip: string }

export interface SignalRelay {
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Current registrations (for tests and the control API). */
  registrations(): SignalRegistration[];
  /** How many SimSignal messages were relayed. */
  relayed(): number;
  close(): void;
}

export function createSignalRelay(opts: {
  /** A registration is accepted only for a user with a logged-in myApps session. */
  isLoggedIn(sip: string): boolean;
  log?: (line: string) => void;
}): SignalRelay {
  const log = opts.log ?? (() => {});
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME });
  const regs = new Map<WebSocket, SignalRegistration>();
  let nextId = 1;
  let relayed = 0;
  const send = (ws: WebSocket, m: Record<string, unknown>): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
  };

  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse(data.toString());
      } catch {
        parsed = undefined;
      }
      const r = SimSignalClientSchema.safeParse(parsed);
      if (!r.success) return send(ws, { mt: 'Error', errorText: `invalid signal message: ${r.error.issues[0]?.message ?? ''}` });
      const m = r.data;
      if (m.mt === 'SimRegister') {
        if (!opts.isLoggedIn(m.sip)) return send(ws, { mt: 'SimRegisterResult', sip: m.sip, error: `user ${m.sip} is not logged in to the sim` });
        regs.set(ws, { id: nextId++, sip: m.sip });
        log(`signal: ${m.sip} registered`);
        return send(ws, { mt: 'SimRegisterResult', sip: m.sip });
      }
      const from = regs.get(ws);
      if (!from) return send(ws, { mt: 'Error', errorText: 'SimSignal needs a SimRegister first' });
      let n = 0;
      for (const [peer, reg] of regs) {
        if (peer === ws || reg.sip !== m.to) continue;
        send(peer, { mt: 'SimSignal', from: from.sip, call: m.call, msg: m.msg });
        n++;
      }
      relayed += n;
      log(`signal: ${from.sip} -> ${m.to} ${String(m.msg.mt ?? '?')} (${n})`);
      if (!n) send(ws, { mt: 'SimSignalError', to: m.to, call: m.call, errorText: `${m.to} is not registered` });
    });
    ws.on('close', () => regs.delete(ws));
    ws.on('error', () => {});
  });

  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    registrations: () => [...regs.values()].map((r) => ({ ...r })),
    relayed: () => relayed,
    close() {
      for (const ws of regs.keys()) ws.terminate();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
