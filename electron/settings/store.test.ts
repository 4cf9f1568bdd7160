import { promises as fs, mkdtempSync, rmSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../test/fixtures/memory-logger';
import { SettingsStore, SettingsError, type SettingChange } from './store';
import { LinuxManagedSettingsReader } from '../../native/linux/managed';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => path.join(dir, 'settings.json');

describe('SettingsStore', () => {
  it('starts from defaults without a file and writes the user layer atomically', async () => {
    const logger = memoryLogger();
    const s = await SettingsStore.open({ userData: dir, logger });
    expect(s.warnings).toEqual([]);
    expect(s.resolve('docking')).toMatchObject({ value: 'none', source: 'default' });
    await s.set('docking', 'left');
    await s.set('hotkeyDial', 'alt+ctrl+f8');
    expect(JSON.parse(await fs.readFile(file(), 'utf8'))).toEqual({ version: 1, values: { docking: 'left', hotkeyDial: 'CTRL + ALT + F8' } });
    expect((await fs.stat(file())).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['settings.json']); // no temp files left
    const again = await SettingsStore.open({ userData: dir, logger });
    expect(again.resolve('docking')).toMatchObject({ value: 'left', source: 'user' });
  });

  it.each([
    ['not JSON', '{"version":1,"values":{'],
    ['an array', '[]'],
    ['wrong version', '{"version":99,"values":{}}'],
    ['values not an object', '{"version":1,"values":3}'],
    // Found by reliability.fuzz_cases: JSON.stringify of such a value threw RangeError in open().
    ['nested 20 000 levels', `{"version":1,"values":{"autostart":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`],
    ['nested 20 000 levels in an unknown key', `{"version":1,"values":{"future":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`],
  ])('sets a corrupt file (%s) aside, uses defaults and warns', async (_n, content) => {
    writeFileSync(file(), content);
    const logger = memoryLogger();
    const s = await SettingsStore.open({ userData: dir, logger });
    expect(s.get('docking')).toBe('none');
    expect(s.warnings).toHaveLength(1);
    expect(s.warnings[0]).toMatch(/corrupt .*kept as settings\.json\.corrupt-/);
    expect(logger.lines.some((l) => l.level === 'warn' && /corrupt/.test(l.message))).toBe(true);
    const names = readdirSync(dir);
    const aside = names.find((n) => n.startsWith('settings.json.corrupt-'))!;
    expect(await fs.readFile(path.join(dir, aside), 'utf8')).toBe(content); // nothing lost
    await s.set('docking', 'right');
    expect(JSON.parse(await fs.readFile(file(), 'utf8')).values).toEqual({ docking: 'right' });
  });

  it('keeps unknown keys and invalid values on disk (loses nothing) and warns', async () => {
    writeFileSync(file(), JSON.stringify({ version: 1, values: { futureThing: { a: 1 }, docking: 'top', autostart: true } }));
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    expect(s.warnings.join()).toMatch(/docking/);
    expect(s.get('autostart')).toBe(true);
    await s.set('notifications', false);
    expect(JSON.parse(await fs.readFile(file(), 'utf8')).values).toEqual({ futureThing: { a: 1 }, docking: 'top', autostart: true, notifications: false });
  });

  it('refuses invalid and locked values with a SettingsError', async () => {
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    await expect(s.set('docking', 'top')).rejects.toMatchObject({ code: 'invalid' });
    await expect(s.set('disableLocalhost', true)).rejects.toMatchObject({ code: 'locked' });
    s.setAdminSettings({ docking: { value: 'right', force: true } });
    await expect(s.set('docking', 'left')).rejects.toBeInstanceOf(SettingsError);
    await expect(s.set('server', 'https://x')).rejects.toThrow(/without a protocol/);
  });

  it('emits change events for PBX adminSettings, force and user changes', async () => {
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    await s.set('autostart', true);
    const seen: SettingChange[][] = [];
    s.onChange((c) => seen.push(c));
    s.setAdminSettings({ autostart: { value: false } }); // default only: user wins, nothing changes
    expect(seen).toHaveLength(0);
    s.setAdminSettings({ autostart: { value: false, force: true }, logFlags: { value: '0x856000001' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.map((c) => c.key).sort()).toEqual(['autostart', 'logFlags']);
    const a = seen[0]!.find((c) => c.key === 'autostart')!;
    expect(a.previous).toMatchObject({ value: true, source: 'user' });
    expect(a.current).toMatchObject({ value: false, source: 'pbx-forced', locked: true, userValue: true });
    s.setAdminSettings({}); // force removed: the user's earlier choice comes back
    expect(seen[1]!.find((c) => c.key === 'autostart')!.current).toMatchObject({ value: true, source: 'user' });
    await s.reset('autostart');
    expect(seen[2]![0]!.current).toMatchObject({ value: false, source: 'default' });
  });

  it('reads real managed files and lists each setting with source and lock for the settings page', async () => {
    const etc = path.join(dir, 'etc');
    mkdirSync(etc);
    writeFileSync(path.join(etc, 'site.json'), JSON.stringify({ SERVER: 'pbx.example.com', DISABLELOCALHOST: 1, bogus: 1, docking: 'middle' }));
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger(), managed: [new LinuxManagedSettingsReader(etc)] });
    expect(s.warnings.join('\n')).toMatch(/unknown setting "bogus"/);
    expect(s.warnings.join('\n')).toMatch(/docking: expected one of/);
    const rows = s.view();
    expect(rows.find((r) => r.key === 'server')).toMatchObject({ value: 'pbx.example.com', source: 'managed', locked: false, msi: 'SERVER' });
    expect(rows.find((r) => r.key === 'disableLocalhost')).toMatchObject({ value: true, source: 'managed', locked: true, lockedBy: 'installer' });
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows); // JSON-safe for IPC
  });

  it('serialises concurrent writes; the file always holds the last state', async () => {
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set('appearOfflineAfterMs', i * 1000)));
    await s.flush();
    expect(JSON.parse(await fs.readFile(file(), 'utf8')).values.appearOfflineAfterMs).toBe(19000);
  });
});

describe('settingsSnapshot', () => {
  it('validates against the preload contract and carries locks', async () => {
    const { settingsSnapshot } = await import('./snapshot');
    const { SettingsSnapshotSchema } = await import('../../common/preload');
    const s = await SettingsStore.open({ userData: dir, logger: memoryLogger() });
    s.setAdminSettings({ logFlags: { value: '0x856000001', force: true } });
    const snap = settingsSnapshot(s);
    expect(SettingsSnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.settings.find((r) => r.key === 'logFlags')).toEqual({ key: 'logFlags', value: '0x856000001', source: 'pbx-forced', forced: true, locked: true, lockedBy: 'pbx' });
    expect(snap.settings.some((r) => r.key === 'trustedCertificates')).toBe(false);
  });
});
