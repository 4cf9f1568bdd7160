import { describe, expect, it } from 'vitest';
import { ConnectController, connectReducer, type ConnectState } from './flow';
import { failureFromChromiumError, makeFailure, type ConnectFailure } from '../../common/connect-failure';
import { certificateDecision } from './certificates';

const FP = 'AB:'.repeat(31) + 'AB';

describe('connectReducer', () => {
  const needServer: ConnectState = { kind: 'needServer' };
  it('asks for a server when none is saved, connects when one is', () => {
    expect(connectReducer(needServer, { type: 'start', server: '' })).toEqual({ kind: 'needServer' });
    expect(connectReducer(needServer, { type: 'start', server: 'pbx.example.com' })).toMatchObject({ kind: 'connecting', attempt: 1, server: { url: 'https://pbx.example.com/PBX0/APPCLIENT/appclient.htm' } });
    expect(connectReducer(needServer, { type: 'start', server: 'https://bad' })).toMatchObject({ kind: 'needServer', input: 'https://bad', error: expect.stringMatching(/protocol/) });
  });
  it('keeps the form with the message on bad input, connects on good input', () => {
    expect(connectReducer(needServer, { type: 'submit', input: 'pbx example' })).toMatchObject({ kind: 'needServer', error: expect.stringMatching(/spaces/) });
    const c = connectReducer(needServer, { type: 'submit', input: 'pbx.example.com:4444' });
    expect(c).toMatchObject({ kind: 'connecting', server: { port: 4444 } });
  });
  it('goes failed -> retry -> connected, and change server back to the form', () => {
    let s = connectReducer(needServer, { type: 'submit', input: 'pbx.example.com' });
    const failure = makeFailure('timeout', 'u');
    s = connectReducer(s, { type: 'failed', failure });
    expect(s).toMatchObject({ kind: 'failed', failure: { kind: 'timeout', title: 'Connection timed out' }, attempt: 1 });
    s = connectReducer(s, { type: 'retry' });
    expect(s).toMatchObject({ kind: 'connecting', attempt: 2 });
    s = connectReducer(s, { type: 'loaded' });
    expect(s.kind).toBe('connected');
    s = connectReducer(s, { type: 'failed', failure });
    expect(s.kind).toBe('failed');
    s = connectReducer(s, { type: 'changeServer' });
    expect(s).toEqual({ kind: 'needServer', input: 'pbx.example.com' });
  });
  it('ignores events that do not fit the state', () => {
    expect(connectReducer(needServer, { type: 'retry' })).toBe(needServer);
    expect(connectReducer(needServer, { type: 'loaded' })).toBe(needServer);
    const connecting = connectReducer(needServer, { type: 'submit', input: 'a' });
    expect(connectReducer(connecting, { type: 'submit', input: 'b' })).toBe(connecting);
  });
});

describe('ConnectController', () => {
  it('saves a submitted server and reports a load failure, then a retry that works', async () => {
    const states: string[] = [];
    const saved: string[] = [];
    const results: (ConnectFailure | null)[] = [makeFailure('refused', 'x'), null];
    const c = new ConnectController({
      initialServer: '',
      saveServer: async (s) => void saved.push(s),
      load: async () => results.shift() ?? null,
      onState: (s) => states.push(s.kind),
    });
    await c.start();
    expect(c.state.kind).toBe('needServer');
    await c.dispatch({ type: 'submit', input: ' PBX.example.com/pbx0-1 ' });
    expect(saved).toEqual(['pbx.example.com/PBX0-1']);
    expect(c.state).toMatchObject({ kind: 'failed', failure: { kind: 'refused' } });
    await c.dispatch({ type: 'retry' });
    expect(c.state.kind).toBe('connected');
    expect(states).toEqual(['needServer', 'connecting', 'failed', 'connecting', 'connected']);
  });
  it('does not save an invalid server', async () => {
    const saved: string[] = [];
    const c = new ConnectController({ initialServer: '', saveServer: async (s) => void saved.push(s), load: async () => null, onState: () => {} });
    await c.dispatch({ type: 'submit', input: 'http://x' });
    expect(saved).toEqual([]);
    expect(c.state).toMatchObject({ kind: 'needServer', error: expect.any(String) });
  });
});

describe('Chromium net errors', () => {
  it.each([
    [-105, 'dns'], [-102, 'refused'], [-118, 'timeout'], [-202, 'certificate'], [-200, 'certificate'], [-107, 'tls'], [-111, 'proxy'], [-127, 'proxy-auth'], [-999, 'network'],
  ])('%d -> %s', (code, kind) => expect(failureFromChromiumError(code, 'ERR_X', 'u').kind).toBe(kind));
});

describe('certificateDecision', () => {
  const pins = [{ origin: 'https://pbx.example.com:4444', fingerprint256: FP }];
  it.each([
    ['pinned origin and fingerprint', 'https://pbx.example.com:4444', FP, 'allow'],
    ['fingerprint in lower case without colons', 'https://pbx.example.com:4444', FP.replace(/:/g, '').toLowerCase(), 'allow'],
    ['other port', 'https://pbx.example.com', FP, 'deny'],
    ['other host', 'https://evil.example.com:4444', FP, 'deny'],
    ['changed certificate', 'https://pbx.example.com:4444', 'CD:'.repeat(31) + 'CD', 'deny'],
    ['garbage fingerprint', 'https://pbx.example.com:4444', 'xyz', 'deny'],
    ['http origin', 'http://pbx.example.com:4444', FP, 'deny'],
    ['not a URL', 'pbx', FP, 'deny'],
  ])('%s -> %s', (_n, origin, fingerprint256, expected) => {
    expect(certificateDecision({ origin, certificate: { fingerprint256 } }, pins)).toBe(expected);
  });
  it('denies everything without pins', () => expect(certificateDecision({ origin: 'https://pbx.example.com:4444', certificate: { fingerprint256: FP } }, [])).toBe('deny'));
});
