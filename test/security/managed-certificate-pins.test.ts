/**
 * Issue 12 (brief): docs/settings.md says managed settings cannot add certificate pins, but the
 * settings resolver accepted `trustedCertificates` from the Linux `/etc` JSON or a macOS plist,
 * so whoever could write such a file could make the client accept a certificate for any origin.
 * Decision (the safer reading, no documented admin need: admins deploy their CA to the OS trust
 * store, docs/admin.md §7): managed layers may NOT add pins. Code (schema `managed: false`,
 * resolver), doc and the admin templates agree; checked here with the real managed readers, the
 * real settings store and the product's certificate decision.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../../electron/settings';
import { LinuxManagedSettingsReader } from '../../native/linux/managed';
import { MacManagedSettingsReader } from '../../native/mac/managed';
import { certificateDecision } from '../../electron/connect';
import { descriptor } from '../../common/settings/schema';
import { generatePolicyFiles } from '../../scripts/policy';
import { memoryLogger } from '../fixtures/memory-logger';

const ORIGIN = 'https://evil.example.com';
const FP = Array(32).fill('AB').join(':');
const PIN = { origin: ORIGIN, fingerprint256: FP };

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sec-pins-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function open(reader: LinuxManagedSettingsReader | MacManagedSettingsReader) {
  const logger = memoryLogger();
  const store = await SettingsStore.open({ userData: path.join(dir, 'user'), logger, managed: [reader] });
  return { store, logger };
}

describe('managed-certificate-pins: managed settings cannot add certificate pins', () => {
  it('a Linux /etc file with trustedCertificates: ignored with a warning; the certificate stays untrusted', async () => {
    const etc = path.join(dir, 'etc');
    fs.mkdirSync(etc);
    fs.writeFileSync(path.join(etc, '50-myapps.json'), JSON.stringify({ trustedCertificates: [PIN], server: 'pbx.example.com' }));
    const { store, logger } = await open(new LinuxManagedSettingsReader(etc));
    expect(store.get('server')).toBe('pbx.example.com'); // the file itself is read
    expect(store.get('trustedCertificates')).toEqual([]);
    expect(store.warnings).toContainEqual(expect.stringMatching(/trustedCertificates cannot be set by managed settings/));
    expect(logger.lines.some((l) => l.level === 'warn' && /trustedCertificates/.test(l.message))).toBe(true);
    expect(certificateDecision({ origin: ORIGIN, certificate: { fingerprint256: FP } }, store.get('trustedCertificates'))).not.toBe('allow');
  });

  it('a macOS managed plist with trustedCertificates: ignored as well', async () => {
    const plist = `<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict><key>trustedCertificates</key><array><dict><key>origin</key><string>${ORIGIN}</string><key>fingerprint256</key><string>${FP}</string></dict></array></dict></plist>`;
    // `defaults export` is macOS's; its output is what the reader parses
    const run = async (cmd: string) => (cmd === 'defaults' ? { code: 0, stdout: plist, stderr: '' } : { code: 1, stdout: '', stderr: 'none' });
    const { store } = await open(new MacManagedSettingsReader(run, ['com.innovaphone.myapps'], { managedDir: path.join(dir, 'none'), user: 'alice' }));
    expect(store.get('trustedCertificates')).toEqual([]);
    expect(store.warnings).toContainEqual(expect.stringMatching(/trustedCertificates cannot be set by managed settings/));
  });

  it('the user\'s own pin (error page) still works', async () => {
    const { store } = await open(new LinuxManagedSettingsReader(path.join(dir, 'missing')));
    await store.set('trustedCertificates', [PIN]);
    expect(certificateDecision({ origin: ORIGIN, certificate: { fingerprint256: FP } }, store.get('trustedCertificates'))).toBe('allow');
  });

  it('schema, doc and admin templates agree', () => {
    expect(descriptor('trustedCertificates').managed).toBe(false);
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/settings.md'), 'utf8');
    expect(doc).toMatch(/Neither the PBX nor managed settings can add pins/);
    for (const [file, text] of generatePolicyFiles()) expect(text, file).not.toMatch(/trustedCertificates/);
  });
});
