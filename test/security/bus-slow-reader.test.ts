/**
 * Finding 4 of issue 12 (bus slow reader): a bus client that stops reading while it makes the
 * server send (ConsumeApi again and again, each answered with the whole registry) grew the
 * server's memory by 500 MB in 3 s: frames were queued without looking at what the client had not
 * read. Now: a send budget per connection (past it the client is disconnected, traced) and a
 * repeated ConsumeApi is answered once.
 */
import { describe, expect, it } from 'vitest';
import type { ProvidedApi } from '../../electron/bus';
import { until, useBusServer } from './bus-peer';

const API = 'com.example.big';

describe('bus-slow-reader', () => {
  let provider: ProvidedApi;
  // A registry of ~200 KB: each ApiUpdate of it is that large.
  const t = useBusServer({}, (s) => { provider = s.router.provide(API, 'big', () => {}, { model: { blob: 'x'.repeat(200_000) } }); });
  const open = () => t.open();

  it('disconnects a client that does not read once its queue passes the send budget; the others go on', async () => {
    const reader = await open();
    reader.send({ mt: 'ConsumeApi', api: API });
    await reader.next((f) => f.mt === 'ApiUpdate');

    const attacker = await open();
    attacker.ws.pause(); // stops reading: nothing it is sent leaves the server's queue
    // 200 x (Consume, Consume, Unconsume): at least one 200 KB ApiUpdate each, 40 MB in all.
    for (let i = 0; i < 200; i++) {
      attacker.send({ mt: 'ConsumeApi', api: API });
      attacker.send({ mt: 'ConsumeApi', api: API });
      attacker.send({ mt: 'UnconsumeApi', api: API });
    }
    await until(() => t.server.connections() === 1, 'the server disconnects the client that does not read', 8000);
    expect(t.log.lines.some((l) => l.level === 'warn' && /client does not read/.test(l.message))).toBe(true);

    // The reader is still served.
    provider.setModel({ blob: 'y' });
    const upd = await reader.next((f) => f.mt === 'ApiUpdate');
    expect(upd.apis[API].big.model).toEqual({ blob: 'y' });
  });

  it('answers a repeated ConsumeApi once: the client has the registry and gets every change', async () => {
    const c = await open();
    for (let i = 0; i < 3; i++) c.send({ mt: 'ConsumeApi', api: API });
    // Frames are handled in order: this request's Error comes after every answer to the above.
    c.send({ mt: 'ApiRequest', apiId: 'com.example.none', consumer: 'dev:x', src: 'sync', msg: { mt: 'X' } });
    await c.next((f) => f.mt === 'Error' && f.src === 'sync');
    expect(c.frames.filter((f) => f.mt === 'ApiUpdate')).toHaveLength(1);
    c.frames.length = 0;

    // It still gets every change, and a new subscription after UnconsumeApi is answered again.
    provider.setModel({ blob: 'z' });
    expect((await c.next((f) => f.mt === 'ApiUpdate' && f.apis[API].big.model.blob === 'z')).mt).toBe('ApiUpdate');
    c.send({ mt: 'UnconsumeApi', api: API });
    c.send({ mt: 'ConsumeApi', api: API });
    expect((await c.next((f) => f.mt === 'ApiUpdate')).apis[API].big.model).toEqual({ blob: 'z' });
  });
});
