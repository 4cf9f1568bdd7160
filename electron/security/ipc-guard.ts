/**
 * The main-process side of the preload contract (common/preload.ts), Electron-free:
 * every call is sender-checked (frame origin), its request validated with the method's zod
 * schema, the handler run, and its response validated before it goes back. Refusals are logged
 * with a reason and answered with `{ok:false, error}`; nothing throws into Electron.
 */
import type { z } from 'zod';
import {
  PreloadEvents,
  PreloadMethods,
  type PreloadEventName,
  type PreloadEventPayload,
  type PreloadMethodName,
  type PreloadRequest,
  type PreloadResponse,
  type PreloadResult,
  type SenderKind,
} from '../../common/preload';
import type { Logger } from '../platform';
import { classifyOrigin, classifySender, type OriginPolicy } from './origins';
import { originOf } from '../../common/origin';

/** The frame a call came from. */
export interface SenderFrame {
  /** The frame's URL. */
  url: string | undefined;
  /** The window's top frame (else a subframe: an app frame at most). */
  top: boolean;
}

/** What a handler learns about its caller. */
export interface CallerInfo {
  kind: SenderKind;
  /** The sender frame's URL. */
  url: string;
  /** Electron webContents id of the sender (detached windows are told apart by it). */
  webContentsId: number;
}

export type PreloadHandlers = {
  [M in PreloadMethodName]?: (req: PreloadRequest<M>, caller: CallerInfo) => PreloadResponse<M> | Promise<PreloadResponse<M>>;
};

export interface PreloadDispatcher {
  /** Handle one call; never throws. */
  dispatch(method: string, sender: SenderFrame, webContentsId: number, payload: unknown): Promise<PreloadResult>;
}

export function createPreloadDispatcher(opts: { handlers: PreloadHandlers; origins: OriginPolicy; logger: Logger }): PreloadDispatcher {
  const { handlers, origins, logger } = opts;
  const refuse = (method: string, url: string | undefined, reason: string): PreloadResult => {
    logger.warn('preload call refused', { method, origin: originOf(url) ?? String(url ?? ''), reason });
    return { ok: false, error: reason };
  };

  return {
    async dispatch(method, sender, webContentsId, payload) {
      const senderFrameUrl = sender.url;
      if (!Object.prototype.hasOwnProperty.call(PreloadMethods, method)) return refuse(method, senderFrameUrl, 'unknown method');
      const name = method as PreloadMethodName;
      const spec = PreloadMethods[name] as { from: readonly SenderKind[]; request: z.ZodType; response: z.ZodType };
      const kind = classifySender(sender, origins);
      if (!kind) return refuse(method, senderFrameUrl, 'sender origin not trusted');
      if (!spec.from.includes(kind)) return refuse(method, senderFrameUrl, `not allowed from ${kind} pages`);
      const handler = handlers[name] as ((req: unknown, caller: CallerInfo) => unknown) | undefined;
      if (!handler) return refuse(method, senderFrameUrl, 'not available');
      const parsed = spec.request.safeParse(payload === null ? undefined : payload);
      if (!parsed.success) return refuse(method, senderFrameUrl, `invalid request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
      let value: unknown;
      try {
        value = await handler(parsed.data ?? {}, { kind, url: senderFrameUrl ?? '', webContentsId });
      } catch (err) {
        logger.error('preload handler failed', { method, error: String((err as Error)?.message ?? err) });
        return { ok: false, error: `failed: ${String((err as Error)?.message ?? err)}` };
      }
      const out = spec.response.safeParse(value);
      if (!out.success) {
        logger.error('preload handler answered outside the contract', { method, issues: out.error.issues.map((i) => i.message).join('; ') });
        return { ok: false, error: 'internal error: response outside the contract' };
      }
      // (console lines are the hot path: their own trace line is all they leave)
      if (name !== 'consoleLine') logger.trace('App', 'preload call', { method, kind });
      return { ok: true, value: out.data };
    },
  };
}

/**
 * An event main → page (common/preload.ts PreloadEvents): its payload as the contract allows it,
 * or undefined (logged) when it is outside. Checked once per event, before it goes to any page.
 */
export function checkedEventPayload<E extends PreloadEventName>(event: E, payload: unknown, logger: Logger): PreloadEventPayload<E> | undefined {
  const checked = PreloadEvents[event].payload.safeParse(payload);
  if (checked.success) return checked.data as PreloadEventPayload<E>;
  logger.error('preload event outside the contract', { event });
  return undefined;
}

/** Whether the page a window shows (its top frame's URL) may receive `event`: a trusted kind the event names. */
export function mayReceiveEvent(pageUrl: string | undefined, event: PreloadEventName, origins: OriginPolicy): boolean {
  const kind = classifyOrigin(pageUrl, origins);
  return !!kind && (PreloadEvents[event].to as readonly string[]).includes(kind);
}
