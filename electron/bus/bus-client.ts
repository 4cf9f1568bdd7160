/**
 * One bus client on the local services server (docs/local-services.md): a WebSocket that passed
 * the server's checks becomes a router endpoint, gets its Welcome, and every frame it sends is
 * parsed, validated against common/bus.ts and routed; refusals are answered with an Error frame
 * and traced with their reason. With the AppWebSocket category on, each frame received is traced
 * as one line with the frames it caused to be sent (never the app data, never the token). Split
 * out of ./server.ts.
 *
 * Send budget: a client that stops reading while it makes us send (ConsumeApi, requests to a
 * provider that answers at length, ApiUpdates of a busy API) would make the frames queue in this
 * process without bound. Before each frame the bytes still queued for the client
 * (`bufferedAmount`) are looked at: past the budget the connection is closed (terminated: a close
 * handshake would queue behind what the client does not read) and traced. A client that reads
 * never comes near it; the web client reconnects.
 */
import type { WebSocket, RawData } from 'ws';
import { BUS_PROTOCOL_VERSION, ClientFrameSchema, type BusErrorFrame, type ServerFrame } from '../../common/bus';
import type { Logger } from '../platform';
import { RouterError, type ApiRouter, type Endpoint } from './router';
import { webOrigin } from '../../common/origin';
import type { RefusalLog } from './refusals';

/** Default send budget: bytes queued for one client before it counts as not reading. */
export const BUS_SEND_BUDGET_BYTES = 4 * 1024 * 1024;

/**
 * The wire form of a frame the router hands to several endpoints (an ApiUpdate to every consumer
 * and every ConsumeApi until the registry changes, a request to every provider): serialised once;
 * from the second client on, the same bytes are queued for each, so that what waits for slow
 * readers is shared rather than copied per client. A frame for one client is sent as its text.
 */
interface WireForm {
  text: string;
  bytes?: Buffer;
}
/** Kept on the frame object under a symbol (JSON.stringify and Object.keys skip it; cheaper than a WeakMap per frame). */
const WIRE = Symbol('wire form');
function wireForm(frame: ServerFrame): { text: string; data: string | Buffer } {
  const f = frame as ServerFrame & { [WIRE]?: WireForm };
  const w = f[WIRE];
  if (!w) {
    const text = JSON.stringify(frame);
    f[WIRE] = { text };
    return { text, data: text };
  }
  w.bytes ??= Buffer.from(w.text);
  return { text: w.text, data: w.bytes };
}

export interface BusClientContext {
  router: ApiRouter;
  logger: Logger;
  tracer: FrameTracer;
  refusals: RefusalLog;
  /** Bytes queued for the client past which it is disconnected. */
  sendBudget: number;
}

/**
 * Frame traces (AppWebSocket) of one server: asked per frame, so a live mask change applies at
 * once; nothing is built when the category is off. While a received frame is handled with frame
 * traces on, the frames it caused to be sent (to any client) are appended to its line as
 * ` => c1 …`.
 */
export class FrameTracer {
  /** The tail of the line of the frame being handled; undefined when none is (or traces are off). */
  caused: string | undefined;
  /** The frame being handled (parsed) and the length of its text. */
  cause: unknown;
  causeLength = 0;

  constructor(private readonly logger: Logger) {}

  on(): boolean {
    return this.logger.enabled ? this.logger.enabled('AppWebSocket') : true;
  }

  /** Runs the handling of a frame received from `client`, then traces its line. */
  received(client: string, handle: () => void): void {
    this.caused = '';
    this.cause = undefined;
    this.causeLength = 0;
    try {
      handle();
    } finally {
      const tail = this.caused;
      this.caused = undefined;
      this.logger.trace('AppWebSocket', frameLine('<', client, this.cause, this.causeLength) + tail);
      this.cause = undefined;
    }
  }
}

/** Makes an accepted WebSocket a bus client: router endpoint, Welcome, frames in and out. */
export function attachBusClient(ws: WebSocket, origin: string, peer: string, bus: BusClientContext): void {
  const { router, logger, tracer, refusals } = bus;
  const send = (frame: ServerFrame): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > bus.sendBudget) {
      refusals.refused('client does not read', `bus: client does not read (${ws.bufferedAmount} bytes queued, budget ${bus.sendBudget}): disconnected`, { client: endpoint.id, peer, dropped: frame.mt });
      ws.terminate();
      return;
    }
    const { text, data } = wireForm(frame);
    ws.send(data, { binary: false });
    if (tracer.caused !== undefined) tracer.caused += causedTail(tracer.cause, endpoint.id, frame, text.length);
    else if (tracer.on()) logger.trace('AppWebSocket', frameLine('>', endpoint.id, frame, text.length));
  };
  const id = router.newClientId();
  const endpoint: Endpoint = { id, client: id, label: `ws ${peer} ${origin}`, origin: webOrigin(origin) ?? origin, deliver: send };
  router.attach(endpoint);
  logger.trace('AppWebSocket', 'bus: client connected', { client: endpoint.id, origin, peer });
  send({ mt: 'Welcome', protocol: BUS_PROTOCOL_VERSION, client: endpoint.id });

  const refuse = (error: BusErrorFrame['error'], reason: string, src?: string): void => {
    refusals.refused(`frame ${error}`, `bus: frame refused (${error}): ${reason}`, { client: endpoint.id });
    const frame: BusErrorFrame = { mt: 'Error', error, reason };
    if (src !== undefined) frame.src = src;
    send(frame);
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (!tracer.on()) return receive(data, isBinary);
    tracer.received(endpoint.id, () => receive(data, isBinary));
  });

  const receive = (data: RawData, isBinary: boolean): void => {
    if (isBinary) return refuse('malformed', 'binary frames are not accepted');
    let parsed: unknown;
    let text: string;
    try {
      text = data.toString();
      tracer.causeLength = text.length;
      parsed = JSON.parse(text);
    } catch (err) {
      return refuse('malformed', `not JSON: ${(err as Error).message}`);
    }
    if (tracer.caused !== undefined) tracer.cause = parsed;
    const result = ClientFrameSchema.safeParse(parsed);
    if (!result.success) {
      const mt = typeof parsed === 'object' && parsed !== null ? (parsed as { mt?: unknown }).mt : undefined;
      const src = typeof parsed === 'object' && parsed !== null && typeof (parsed as { src?: unknown }).src === 'string' ? (parsed as { src: string }).src : undefined;
      const issue = result.error.issues[0];
      return refuse('invalid', `${typeof mt === 'string' ? mt : 'frame'}: ${issue ? `${issue.path.join('.') || 'mt'}: ${issue.message}` : 'invalid'}`, src);
    }
    try {
      router.handle(endpoint, result.data);
    } catch (err) {
      if (err instanceof RouterError) {
        const src = 'src' in result.data && typeof result.data.src === 'string' ? result.data.src : undefined;
        refuse(err.code, err.message, src);
      } else {
        logger.error('bus: routing failed', { error: String(err) });
        refuse('invalid', 'internal error');
      }
    }
  };
  ws.on('error', (err) => {
    // ws closes with 1009 on oversized frames and reports it here.
    refusals.refused('connection error', `bus: connection error: ${err.message}`, { client: endpoint.id });
  });
  ws.on('close', (code) => {
    router.detach(endpoint.id);
    logger.trace('AppWebSocket', 'bus: client closed', { client: endpoint.id, code });
  });
}

/** A client-chosen name as it appears in a trace line: plain when harmless, else quoted and cut. */
function traceName(v: unknown): string {
  if (typeof v !== 'string') return '?';
  if (v.length <= 80 && plainName(v)) return v;
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

/** Only `A-Z a-z 0-9 _ . @ : / + * -` (a loop: cheaper than a regex for these short names). */
function plainName(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x40 && c <= 0x5a) || (c >= 0x2a && c <= 0x3a && c !== 0x2c) || c === 0x5f)) return false;
  }
  return true;
}

/**
 * One bus frame as a trace line: direction (`<` from the client, `>` to it), client id, mt, api
 * (or apiId), provider, consumer, client, src, the mt of the carried msg and the length of the
 * JSON text (characters).
 * Never the rest of msg or model (app data), never the token (it is not in frames).
 */
export function frameLine(dir: '<' | '>', client: string, frame: unknown, length: number): string {
  return `bus ${dir} ${frameText(client, frame, length)}`;
}

type FrameFields = { mt?: unknown; api?: unknown; apiId?: unknown; provider?: unknown; consumer?: unknown; client?: unknown; src?: unknown; msg?: unknown; error?: unknown };

/**
 * What a received frame caused to be sent, appended to its line: ` => c1 len=160` when the frame
 * sent is the routed form of the one received (same mt, api or apiId, consumer and src: an
 * ApiRequest forwarded to its provider, an ApiResult to its consumer), else ` => ` and the sent
 * frame in full.
 */
function causedTail(cause: unknown, client: string, frame: unknown, length: number): string {
  const c = cause as FrameFields | undefined;
  const f = frame as FrameFields;
  if (c && f.mt === c.mt && (f.api ?? f.apiId) === (c.api ?? c.apiId) && f.consumer === c.consumer && f.src === c.src) return ` => ${client} len=${length}`;
  return ` => ${frameText(client, frame, length)}`;
}

function frameText(client: string, frame: unknown, length: number): string {
  if (typeof frame !== 'object' || frame === null) return `${client} (no JSON object) len=${length}`;
  const f = frame as FrameFields;
  let s = `${client} ${traceName(f.mt)}`;
  if (f.api !== undefined) s += ` api=${traceName(f.api)}`;
  if (f.apiId !== undefined) s += ` apiId=${traceName(f.apiId)}`;
  if (f.provider !== undefined) s += ` provider=${traceName(f.provider)}`;
  if (f.consumer !== undefined) s += ` consumer=${traceName(f.consumer)}`;
  if (f.client !== undefined && f.mt !== 'Welcome') s += ` client=${traceName(f.client)}`;
  if (f.src !== undefined) s += ` src=${traceName(f.src)}`;
  if (typeof f.msg === 'object' && f.msg !== null) s += ` msg.mt=${traceName((f.msg as { mt?: unknown }).mt)}`;
  if (f.error !== undefined) s += ` error=${traceName(f.error)}`;
  return `${s} len=${length}`;
}
