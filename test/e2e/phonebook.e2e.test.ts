/**
 * Local phone book end to end (issue 7): pbx-sim + the real service graph with the phone book
 * reading a folder of real vCards (the fixtures plus a generated 10 000-contact set) + the
 * stand-in web client in Debian Chromium. The stand-in phone app (inside its iframe, through
 * lib1 and the web client's bus bridge) sends `Search` and `Lookup` and gets the documented
 * answers; a plain WebSocket client speaking common/bus.ts frames does the same.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Frame, Page } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { startStack, type Stack } from './harness/stack';
import { appRequest } from './harness/app-request';
import { generatedDialString, generatedName, writeGeneratedVCards } from '../fixtures/vcards/generate';

const FIX = path.resolve(__dirname, '../fixtures/vcards');
const DE = { prefixIntl: '000', prefixNtl: '00', prefixExt: '0', area: '7031', country: '49' };

describe('local phone book over the bus', () => {
  const logger = memoryLogger();
  let dir: string;
  let stack: Stack;
  let page: Page;
  let phone: Frame;
  const pbName = (): string => stack.services.instances.phonebook!.phonebook.providerName;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'phonebook-e2e-'));
    for (const f of await fs.readdir(FIX)) if (f.endsWith('.vcf')) await fs.copyFile(path.join(FIX, f), path.join(dir, f));
    await writeGeneratedVCards(path.join(dir, 'generated'), 10_000, 1000);
    stack = await startStack({ logger, config: { phonebook: { vcardFolder: dir, evolution: false, maxResults: 50 } } });
    const pb = stack.services.instances.phonebook!;
    await pb.phonebook.ready();
    expect(pb.phonebook.size).toBe(10_000 + 12);
    page = await stack.openWebClient();
    // The web client has joined the bus once the phone app is registered there.
    const c = stack.services.router.consume(Api.phone);
    await c.waitForProvider(30_000, 'phone');
    c.close();
    const found = page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/phone.htm`));
    if (!found) throw new Error('phone app iframe not found');
    phone = found;
    await phone.waitForFunction(() => !!(globalThis as unknown as { innovaphone?: unknown }).innovaphone, undefined, { timeout: 10_000 });
  });

  afterAll(async () => {
    await stack?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('the stand-in phone app searches: SearchInfo items (all words first), then SearchResult, src echoed', async () => {
    const { src, results } = await appRequest(phone, Api.search, { mt: 'Search', type: 'contact', search: 'john doe' }, 'SearchResult');
    expect(results.every((r) => r.src === src && r.provider === pbName())).toBe(true);
    expect(results.at(-1)!.msg).toEqual({ mt: 'SearchResult' });
    expect(pbName()).toMatch(/^@local-/);
    expect(results[0]!.msg).toEqual({
      mt: 'SearchInfo',
      dn: 'John Doe',
      type: 'contact',
      relevance: expect.any(Number),
      adjust: true,
      contact: expect.objectContaining({ givenname: 'John', sn: 'Doe', company: 'ACME', position: 'Head of everything', telephonenumber: ['11111', '22222'], homephone: ['+4944444', '33333'], mobile: ['+49 (123) 55555'] }),
    });

    // Over the generated set: accent-insensitive, capped at maxResults, all words ranked first.
    const g = generatedName(4711);
    const gen = await appRequest(phone, Api.search, { mt: 'Search', type: 'contact', search: `${g.given.toUpperCase()} ${g.family.split(' ')[0]!.normalize('NFKD').replace(/\p{M}/gu, '')}` }, 'SearchResult');
    const infos = gen.results.filter((r) => r.msg.mt === 'SearchInfo').map((r) => r.msg);
    expect(infos).toHaveLength(50);
    expect(infos[0]).toMatchObject({ contact: { givenname: g.given, sn: expect.stringContaining(g.family.split(' ')[0]!) } });
    const rel = infos.map((m) => m.relevance as number);
    expect([...rel].sort((a, b) => a - b)).toEqual(rel);
  });

  it('the stand-in phone app looks numbers up under com.innovaphone.phonelookup and com.innovaphone.lookup', async () => {
    for (const api of [Api.phoneLookup, Api.lookup]) {
      const { src, results } = await appRequest(phone, api, { mt: 'Lookup', ...DE, lookup: '0004970311234567' }, 'LookupResult');
      expect(results.map((r) => r.msg.mt)).toEqual(['LookupInfo', 'LookupInfo', 'LookupResult']);
      expect(results.every((r) => r.src === src && r.provider === pbName())).toBe(true);
      expect(results.map((r) => r.msg.dn)).toEqual(['Jake Blues', 'Jörg Müller', undefined]);
      expect(results[0]!.msg.contact).toMatchObject({ givenname: 'Jake', sn: 'Blues', company: 'Blues Brothers' });
    }
    const n = 7321;
    const { results } = await appRequest(phone, Api.phoneLookup, { mt: 'Lookup', ...DE, lookup: generatedDialString(n) }, 'LookupResult');
    const g = generatedName(n);
    expect(results.map((r) => r.msg)).toEqual([{ mt: 'LookupInfo', dn: `${g.given} ${g.family}`, adjust: true, contact: expect.objectContaining({ givenname: g.given, sn: g.family }) }, { mt: 'LookupResult' }]);
  });

  it("lib1's consumer.send(msg, \"*\") without src gets its results and the end message", async () => {
    const { results } = await appRequest(phone, Api.search, { mt: 'Search', type: 'contact', search: 'john doe' }, 'SearchResult', true);
    expect(results.at(-1)).toEqual({ provider: pbName(), src: undefined, msg: { mt: 'SearchResult' } });
    expect(results[0]).toMatchObject({ provider: pbName(), msg: { mt: 'SearchInfo', dn: 'John Doe' } });
  });

  it('a WebSocket client speaking common/bus.ts frames gets the same answers', async () => {
    const ws = new WebSocket(`${stack.config.bus}?token=${encodeURIComponent(stack.config.token)}&v=1`, { headers: { origin: stack.sim.origin } });
    const frames: Record<string, unknown>[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d)) as Record<string, unknown>));
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      await expect.poll(() => frames.some((f) => f.mt === 'Welcome'), { timeout: 5000 }).toBe(true);
      const client = frames.find((f) => f.mt === 'Welcome')!.client;
      ws.send(JSON.stringify({ mt: 'ConsumeApi', api: Api.lookup }));
      ws.send(JSON.stringify({ mt: 'ApiRequest', apiId: Api.lookup, consumer: 'dev:raw', provider: '*', src: 'raw-1', msg: { mt: 'Lookup', ...DE, lookup: '0070317654321' } }));
      ws.send(JSON.stringify({ mt: 'ConsumeApi', api: Api.search }));
      ws.send(JSON.stringify({ mt: 'ApiRequest', apiId: Api.search, consumer: 'dev:raw', src: 'raw-2', msg: { mt: 'Search', search: 'ANGSTROM' } }));
      await expect.poll(() => frames.filter((f) => f.mt === 'ApiResult' && (f.msg as { mt: string }).mt.endsWith('Result')).length, { timeout: 10_000 }).toBe(2);
      const lookup = frames.filter((f) => f.mt === 'ApiResult' && f.src === 'raw-1');
      expect(lookup).toEqual([
        { mt: 'ApiResult', api: Api.lookup, provider: pbName(), consumer: 'dev:raw', client, src: 'raw-1', msg: { mt: 'LookupInfo', dn: 'Elwood Blues', adjust: true, contact: expect.objectContaining({ homephone: ['07031 7654321'] }) } },
        { mt: 'ApiResult', api: Api.lookup, provider: pbName(), consumer: 'dev:raw', client, src: 'raw-1', msg: { mt: 'LookupResult' } },
      ]);
      const search = frames.filter((f) => f.mt === 'ApiResult' && f.src === 'raw-2').map((f) => f.msg as Record<string, unknown>);
      expect(search[0]).toMatchObject({ mt: 'SearchInfo', dn: 'Zoë Ångström' });
      expect(search.at(-1)).toEqual({ mt: 'SearchResult' });
      expect(frames.filter((f) => f.mt === 'Error')).toEqual([]);
    } finally {
      ws.close();
    }
  });
});
