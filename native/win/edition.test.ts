import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION_KEY, installationType, isWindowsServer } from './edition';
import { regExe } from './managed';
import type { ProcessRunner } from '../process';

const fx = (n: string) => readFileSync(path.join(__dirname, 'fixtures', n), 'utf8');

describe('Windows edition (one incoming call at a time on Server)', () => {
  it('reads InstallationType from reg.exe output', () => {
    expect(installationType(fx('reg-query-installation-server.txt'))).toBe('Server');
    expect(installationType(fx('reg-query-installation-client.txt'))).toBe('Client');
    expect(installationType('')).toBe('');
  });

  it('asks reg.exe by absolute path for one value; Server and Server Core count, a failed query does not', async () => {
    const asked: string[][] = [];
    const run = (out: string, code = 0): ProcessRunner => async (file, args) => {
      expect(file).toBe(regExe());
      asked.push([...args]);
      return { code, stdout: out, stderr: code ? 'ERROR: The system was unable to find the specified registry key or value.' : '' };
    };
    expect(await isWindowsServer(run(fx('reg-query-installation-server.txt')))).toBe(true);
    expect(asked[0]).toEqual(['query', CURRENT_VERSION_KEY, '/v', 'InstallationType']);
    expect(await isWindowsServer(run(fx('reg-query-installation-server.txt').replace('Server', 'Server Core')))).toBe(true);
    expect(await isWindowsServer(run(fx('reg-query-installation-client.txt')))).toBe(false);
    expect(await isWindowsServer(run('', 1))).toBe(false);
  });
});
