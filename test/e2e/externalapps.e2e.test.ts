/**
 * External applications end to end (issue 3): the stand-in phone app in Chromium asks
 * com.innovaphone.externalapps (through the hosted web client and the bus) to start a configured
 * application for a call; the real NodeSpawner starts a real script that records its argv. $I
 * comes from the prefixes in pbx-sim's com.innovaphone.client model; a hostile display name
 * stays one argument and runs nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame } from 'playwright-core';
import { Api } from '../../common/bus';
import { memoryLogger } from '../fixtures/memory-logger';
import { NodeSpawner } from '../../native/spawner';
import { startStack, webClientProvider, type Stack } from './harness/stack';

type Win = { __start: any; __results?: unknown[] };

describe('external apps: phone app → com.innovaphone.externalapps → real process', () => {
  const logger = memoryLogger();
  let dir: string;
  let out: string;
  let stack: Stack;
  let frame: Frame;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'extapps-e2e-'));
    out = path.join(dir, 'argv.json');
    const script = path.join(dir, 'crm-lookup');
    writeFileSync(script, `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`, { mode: 0o755 });
    stack = await startStack({
      logger,
      ports: { spawner: new NodeSpawner({ cwd: dir }) },
      config: {
        externalAppsJson: JSON.stringify({ externalApps: [
          { id: 0, name: 'CRM', path: script, param: '--caller $I --national $N --name "$d" --uri $u --call $c raw=$n' },
          { id: 1, name: 'Gone', path: path.join(dir, 'missing-binary'), param: '$n' },
        ] }),
      },
    });
    const page = await stack.openWebClient();
    const phone = stack.services.router.consume(Api.phone);
    await phone.waitForProvider(30_000, 'phone');
    phone.close();
    frame = page.frames().find((f) => f.url().startsWith(`${stack.sim.appsOrigin}/PBX0/APPS/phone.htm`))!;
    await frame.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.__results = [];
      const api = w.__start.consumeApi('com.innovaphone.externalapps');
      api.onmessage.attach((_s: unknown, obj: { msg: unknown; errorText?: string }) => w.__results!.push({ msg: obj.msg, errorText: obj.errorText }));
    });
    await webClientProvider(stack.services, 10_000);
  });

  afterAll(async () => {
    await stack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const request = (msg: Record<string, unknown>) =>
    frame.evaluate((m) => { (globalThis as unknown as Win).__start.consumeApi('com.innovaphone.externalapps').send(m, undefined, 'x'); }, msg);
  const results = () => frame.evaluate(() => (globalThis as unknown as Win).__results);

  it('lists the configured apps', async () => {
    await request({ mt: 'GetExternalApps' });
    await expect.poll(results, { timeout: 10_000 }).toEqual([{ msg: { mt: 'GetExternalAppsResult', apps: [{ id: 0, name: 'CRM' }, { id: 1, name: 'Gone' }] } }]);
  });

  it('starts the app with the exact substituted argv; hostile names stay one argument', async () => {
    const hostile = 'Bob"; rm -rf ~; " $(touch pwned) `touch pwned2`';
    await request({ mt: 'StartExternalApp', id: 0, call: { num: '07031730090', dn: hostile, sip: 'bob@sim.example.com', guid: 'fff79c5bd2115d0109f400903341035b' } });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(2);
    expect((await results())![1]).toEqual({ msg: { mt: 'StartExternalAppResult', started: [0], failed: [] } });
    await expect.poll(() => existsSync(out) && readFileSync(out, 'utf8').length > 0, { timeout: 10_000 }).toBe(true);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual([
      '--caller', '+497031730090', '--national', '07031730090', '--name', hostile, '--uri', 'bob@sim.example.com', '--call', 'fff79c5bd2115d0109f400903341035b', 'raw=07031730090',
    ]);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(dir, 'pwned2'))).toBe(false);
  });

  it('a missing executable gives the app a clear error', async () => {
    await request({ mt: 'StartExternalApp', id: 1, call: { num: '201' } });
    await expect.poll(async () => (await results())!.length, { timeout: 10_000 }).toBe(3);
    expect((await results())![2]).toEqual({
      msg: { mt: 'StartExternalAppResult', started: [], failed: [{ id: 1, error: expect.stringMatching(/cannot start "Gone": .*missing-binary not found/) }] },
      errorText: expect.stringMatching(/not found/),
    });
    expect(logger.lines.some((l) => l.level === 'warn' && /missing-binary not found/.test(l.message))).toBe(true);
  });
});
