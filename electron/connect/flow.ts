/**
 * The connect flow, free of Electron: a pure reducer plus a small controller.
 *
 *   needServer --submit(valid)--> connecting --loaded--> connected
 *        ^                          |   ^                   |
 *        |                       failed |retry              | failed (e.g. later reload)
 *        +------changeServer------ failed <-----------------+
 *
 * The product's main process renders each state: needServer → launcher connect form;
 * connecting → loadURL(server.url) (after the preflight, optional); connected → the web client;
 * failed → launcher error page (retry, change server, and for a certificate failure the details
 * and "trust this certificate").
 */
import type { NetworkError } from './net';
import { parseServerString, type ParsedServer } from '../../common/server-string';
import { FAILURE_ADVICE, makeFailure, type ConnectFailure, type FailureKind } from '../../common/connect-failure';

/** From a Node-side NetworkError (preflight, updates). Duck-typed so this module stays free of Node. */
export function failureFromNetworkError(err: unknown, url: string): ConnectFailure {
  const e = err as Partial<NetworkError> | undefined;
  if (!e || e.name !== 'NetworkError' || typeof e.kind !== 'string') return makeFailure('network', url, { message: String((err as Error)?.message ?? err) });
  const kind: FailureKind = e.kind === 'reset' || e.kind === 'other' ? 'network' : e.kind;
  const d = e.details ?? {};
  return makeFailure(kind, url, {
    message: `${e.message} ${FAILURE_ADVICE[kind]}`,
    ...(d.status !== undefined ? { status: d.status } : {}),
    ...(d.code !== undefined ? { code: d.code } : {}),
    ...(d.certificate ? { certificate: d.certificate } : {}),
  });
}

export type ConnectState =
  | { kind: 'needServer'; input?: string; error?: string }
  | { kind: 'connecting'; server: ParsedServer; attempt: number }
  | { kind: 'connected'; server: ParsedServer }
  | { kind: 'failed'; server: ParsedServer; failure: ConnectFailure; attempt: number };

export type ConnectEvent =
  | { type: 'start'; server: string }
  | { type: 'submit'; input: string }
  | { type: 'loaded' }
  | { type: 'failed'; failure: ConnectFailure }
  | { type: 'retry' }
  | { type: 'changeServer' };

/** Pure state transition. Events that make no sense in a state leave it unchanged. */
export function connectReducer(state: ConnectState, ev: ConnectEvent): ConnectState {
  switch (ev.type) {
    case 'start': {
      if (ev.server.trim() === '') return { kind: 'needServer' };
      const p = parseServerString(ev.server);
      return p.ok ? { kind: 'connecting', server: p, attempt: 1 } : { kind: 'needServer', input: ev.server, error: p.error };
    }
    case 'submit': {
      if (state.kind === 'connecting') return state;
      const p = parseServerString(ev.input);
      return p.ok ? { kind: 'connecting', server: p, attempt: 1 } : { kind: 'needServer', input: ev.input, error: p.error };
    }
    case 'loaded':
      return state.kind === 'connecting' ? { kind: 'connected', server: state.server } : state;
    case 'failed':
      if (state.kind === 'connecting') return { kind: 'failed', server: state.server, failure: ev.failure, attempt: state.attempt };
      if (state.kind === 'connected') return { kind: 'failed', server: state.server, failure: ev.failure, attempt: 1 };
      return state;
    case 'retry':
      return state.kind === 'failed' ? { kind: 'connecting', server: state.server, attempt: state.attempt + 1 } : state;
    case 'changeServer':
      return state.kind === 'connecting' ? state : { kind: 'needServer', ...('server' in state ? { input: state.server.canonical } : {}) };
  }
}

export interface ConnectControllerOptions {
  /** Saved server string (settings `server`), '' when none. */
  initialServer: string;
  /** Persist a server the user submitted successfully (settings.set('server', canonical)). */
  saveServer(canonical: string): Promise<void>;
  /**
   * Load the web client for this server (product: optional preflight, then BrowserWindow.loadURL;
   * tests: preflight only). Resolves null when it loaded, else the failure to show.
   */
  load(server: ParsedServer): Promise<ConnectFailure | null>;
  onState(state: ConnectState): void;
}

/** Holds the state, saves the server after a submit, and loads when connecting. */
export class ConnectController {
  private current: ConnectState = { kind: 'needServer' };

  constructor(private readonly opts: ConnectControllerOptions) {}

  get state(): ConnectState {
    return this.current;
  }

  start(): Promise<void> {
    return this.dispatch({ type: 'start', server: this.opts.initialServer });
  }

  async dispatch(ev: ConnectEvent): Promise<void> {
    const before = this.current;
    const next = connectReducer(before, ev);
    if (next === before) return;
    this.current = next;
    this.opts.onState(next);
    if (next.kind !== 'connecting') return;
    if (ev.type === 'submit') await this.opts.saveServer(next.server.canonical);
    const failure = await this.opts.load(next.server).catch((err: unknown) => failureFromNetworkError(err, next.server.url));
    if (this.current !== next) return; // superseded (e.g. change server meanwhile)
    await this.dispatch(failure ? { type: 'failed', failure } : { type: 'loaded' });
  }
}
