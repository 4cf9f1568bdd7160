/**
 * Issue 12, "Also fix": two command-line parsers disagreed. The trace files read `--log-flags`
 * anywhere in argv (after `--`, after a link), which the security parser (electron/security/
 * argv.ts) ignores by design: after `--` nothing is an option, and the first link ends the
 * parsing. Now the one parser decides for the whole product. Checked through the composition
 * root (electron/main.ts `bootstrap`, Electron mocked, real trace files on disk).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseLauncherArgv } from '../../electron/security';
import { quitProduct, startProduct, traceText } from './product';

vi.mock('electron', async () => (await import('../fixtures/fake-electron')).electron);

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sec-argv-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** Starts the product with these arguments, quits it, and returns the "Log flags" line of its trace file. */
async function logFlagsLine(args: string[]): Promise<string> {
  await startProduct(dir, args);
  await quitProduct();
  const text = await traceText(dir, 'myApps-');
  await fs.rm(path.join(dir, 'data'), { recursive: true, force: true });
  return text.split('\n').find((l) => l.includes('] Log flags '))!;
}

describe('argv-one-parser: the trace files read the command line as the security parser does', () => {
  it('--log-flags after "--" is not an option (the security parser ignores it, so do the traces)', async () => {
    const args = ['--', '--log-flags=0xfff'];
    expect(parseLauncherArgv(args).options.logFlags).toBeUndefined();
    const line = await logFlagsLine(args);
    expect(line).not.toMatch(/from command-line/);
    expect(line).not.toMatch(/0xfff /);
  });

  it('--log-flags after a link is not an option', async () => {
    const args = ['tel:4711', '--log-flags=0xfff'];
    expect(parseLauncherArgv(args)).toMatchObject({ link: 'tel:4711', options: {} });
    const line = await logFlagsLine(args);
    expect(line).not.toMatch(/from command-line/);
  });

  it('before them it is, in both spellings, and a value that is a link stays a link', async () => {
    expect(await logFlagsLine(['--log-flags=0x3'])).toMatch(/Log flags 0x3 = .*\(from command-line\)/);
    expect(await logFlagsLine(['--log-flags', '0x5'])).toMatch(/Log flags 0x5 = .*\(from command-line\)/);
    expect(parseLauncherArgv(['--log-flags', 'tel:0x5'])).toMatchObject({ link: 'tel:0x5', options: {} });
  });
});
