/**
 * Finding 8 of issue 12 (one deep model breaks the registry for everyone): a RegisterApi whose
 * model is nested 10 000 levels deep (~20 KB) was accepted; from then on every ApiUpdate of that
 * API threw RangeError (JSON.stringify) and every ConsumeApi of it got `Error internal error`. Now:
 * frame validation limits depth (and the size of models), with a clear Error frame; and a failure
 * in what one endpoint gets never stops a frame from reaching the others.
 */
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../electron/bus';
import { useBusServer } from './bus-peer';

const API = 'com.example.shared';

/** `{"a":{"a":…{}…}}`, `levels` objects deep, as JSON text (JSON.stringify would overflow). */
function deepJson(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

describe('bus-deep-nesting', () => {
  const t = useBusServer();
  const open = () => t.open();

  it('refuses a model nested 10 000 levels with a clear Error; the API stays usable for everyone', async () => {
    const good = await open();
    good.send({ mt: 'RegisterApi', api: API, provider: 'good', model: { ok: true } });
    const attacker = await open();
    attacker.send(`{"mt":"RegisterApi","api":"${API}","provider":"evil","model":${deepJson(10_000)}}`);
    const err = await attacker.next((f) => f.mt === 'Error');
    expect(err.error).toBe('invalid');
    expect(err.reason).toMatch(/RegisterApi: model: nested deeper than 64 levels/);

    const consumer = await open();
    consumer.send({ mt: 'ConsumeApi', api: API });
    const upd = await consumer.next((f) => f.mt === 'ApiUpdate' || f.mt === 'Error');
    expect(upd.mt).toBe('ApiUpdate');
    expect(Object.keys(upd.apis[API])).toEqual(['good']);
  });

  it('refuses deep values in ApiModel, info, ApiRequest and ApiResult', async () => {
    const c = await open();
    c.send({ mt: 'RegisterApi', api: API, provider: 'p' });
    const deep = deepJson(10_000);
    c.send(`{"mt":"ApiModel","api":"${API}","provider":"p","model":${deep}}`);
    c.send(`{"mt":"RegisterApi","api":"${API}","provider":"q","info":${deep}}`);
    c.send(`{"mt":"ApiRequest","apiId":"${API}","consumer":"dev:x","src":"r1","msg":{"mt":"M","x":${deep}}}`);
    c.send(`{"mt":"ApiResult","api":"${API}","provider":"p","consumer":"dev:x","src":"r2","msg":{"mt":"M","x":${deep}}}`);
    const errors = [await c.next((f) => f.mt === 'Error'), await c.next((f) => f.mt === 'Error'), await c.next((f) => f.mt === 'Error'), await c.next((f) => f.mt === 'Error')];
    expect(errors.map((e) => e.reason)).toEqual([
      expect.stringMatching(/^ApiModel: model: nested deeper than 64/),
      expect.stringMatching(/^RegisterApi: info: nested deeper than 64/),
      expect.stringMatching(/^ApiRequest: msg: nested deeper than 64/),
      expect.stringMatching(/^ApiResult: msg: nested deeper than 64/),
    ]);
    expect(errors.slice(2).map((e) => e.src)).toEqual(['r1', 'r2']);
    // 64 levels are fine.
    c.send(`{"mt":"ApiModel","api":"${API}","provider":"p","model":${deepJson(64)}}`);
    c.send({ mt: 'ConsumeApi', api: API });
    expect((await c.next((f) => f.mt === 'ApiUpdate' || f.mt === 'Error')).mt).toBe('ApiUpdate');
  });

  it('limits the size of one model and of all models of one connection', async () => {
    const c = await open();
    c.send({ mt: 'RegisterApi', api: API, provider: 'fat', model: { blob: 'x'.repeat(300 * 1024) } });
    expect((await c.next((f) => f.mt === 'Error')).reason).toMatch(/model: larger than 262144 bytes/);
    // 16 models of ~250 KB fit in the 4 MiB of one connection; the 17th does not.
    for (let i = 0; i < 17; i++) c.send({ mt: 'RegisterApi', api: API, provider: `p${i}`, model: { blob: 'x'.repeat(250 * 1024) } });
    expect((await c.next((f) => f.mt === 'Error')).reason).toMatch(/models of one connection are limited to 4194304 bytes/);
    c.send({ mt: 'ConsumeApi', api: API });
    expect(Object.keys((await c.next((f) => f.mt === 'ApiUpdate')).apis[API])).toHaveLength(16);
  });

  it('a launcher module cannot register a model that could not be sent either', () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 10_000; i++) at = (at.a = {}) as Record<string, unknown>;
    expect(() => t.server.router.provide(API, '@local-deep', () => {}, { model: deep })).toThrow(RouterError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => t.server.router.provide(API, '@local-cyclic', () => {}, { model: cyclic })).toThrow(/nested deeper/);
  });

  it('a consumer that fails on an update does not keep it from the others, nor fail the provider', async () => {
    // An in-process consumer whose listener throws on this API's data, subscribed first.
    const local = t.server.router.consume(API);
    local.onUpdate(() => {
      throw new TypeError('cannot read the model');
    });
    const consumer = await open();
    consumer.send({ mt: 'ConsumeApi', api: API });
    await consumer.next((f) => f.mt === 'ApiUpdate');
    const provider = await open();
    provider.send({ mt: 'RegisterApi', api: API, provider: 'p', model: { v: 1 } });
    const upd = await consumer.next((f) => f.mt === 'ApiUpdate');
    expect(upd.apis[API].p.model).toEqual({ v: 1 });
    provider.send({ mt: 'ApiModel', api: API, provider: 'p', model: { v: 2 } });
    expect((await consumer.next((f) => f.mt === 'ApiUpdate')).apis[API].p.model).toEqual({ v: 2 });
    expect(provider.frames.filter((f) => f.mt === 'Error')).toEqual([]);
    expect(t.log.lines.some((l) => l.level === 'error' && /ApiUpdate to .* failed/.test(l.message))).toBe(true);
    local.close();
  });
});
