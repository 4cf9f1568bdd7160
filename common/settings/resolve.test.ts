import { describe, expect, it } from 'vitest';
import { resolveSettings, type AdminSettings } from './resolve';
import { coerceSetting, normaliseHotkey, normaliseLogFlags, defaultValues, SETTINGS } from './schema';

type Row = [
  name: string,
  managed: Record<string, unknown>,
  pbx: AdminSettings,
  user: Record<string, unknown>,
  expected: { value: unknown; source: string; locked: boolean },
];

// autostart: default false, PBX key "autostart", user-editable.
const table: Row[] = [
  ['default only', {}, {}, {}, { value: false, source: 'default', locked: false }],
  ['managed over default', { autostart: true }, {}, {}, { value: true, source: 'managed', locked: false }],
  ['pbx default over managed', { autostart: true }, { autostart: { value: false } }, {}, { value: false, source: 'pbx', locked: false }],
  ['pbx force:false is a default', {}, { autostart: { value: true, force: false } }, {}, { value: true, source: 'pbx', locked: false }],
  ['user wins over pbx default', {}, { autostart: { value: true } }, { autostart: false }, { value: false, source: 'user', locked: false }],
  ['user wins over managed', { autostart: true }, {}, { autostart: false }, { value: false, source: 'user', locked: false }],
  ['pbx forced wins over user', {}, { autostart: { value: true, force: true } }, { autostart: false }, { value: true, source: 'pbx-forced', locked: true }],
  ['pbx forced false wins over user true', {}, { autostart: { value: false, force: true } }, { autostart: true }, { value: false, source: 'pbx-forced', locked: true }],
  ['force without value has no effect', {}, { autostart: { force: true } }, { autostart: true }, { value: true, source: 'user', locked: false }],
  ['force with null has no effect', { autostart: true }, { autostart: { value: null, force: true } }, {}, { value: true, source: 'managed', locked: false }],
  ['force with "" has no effect', {}, { autostart: { value: '', force: true } }, {}, { value: false, source: 'default', locked: false }],
  ['invalid pbx value ignored', {}, { autostart: { value: 'maybe', force: true } }, { autostart: true }, { value: true, source: 'user', locked: false }],
  ['invalid user value ignored', {}, { autostart: { value: true } }, { autostart: 'yes' }, { value: true, source: 'pbx', locked: false }],
  ['pbx value given as string "true"', {}, { autostart: { value: 'true', force: true } }, {}, { value: true, source: 'pbx-forced', locked: true }],
  ['managed REG_DWORD 1', { autostart: 1 }, {}, {}, { value: true, source: 'managed', locked: false }],
];

describe('layering defaults < managed < PBX adminSettings < user, with force', () => {
  it.each(table)('%s', (_name, managed, pbx, user, expected) => {
    const r = resolveSettings({ managed, pbx, user });
    expect(r.settings.autostart).toMatchObject(expected);
  });

  it('keeps the user value visible when a forced PBX value overrides it', () => {
    const r = resolveSettings({ managed: {}, pbx: { hotkeyDial: { value: 'F8', force: true } }, user: { hotkeyDial: 'CTRL + F9' } });
    expect(r.settings.hotkeyDial).toEqual({ key: 'hotkeyDial', value: 'F8', source: 'pbx-forced', locked: true, lockedBy: 'pbx', userValue: 'CTRL + F9' });
  });

  it('maps every documented PBX adminSettings key of the 13r1 example', () => {
    const pbx: AdminSettings = {
      autostart: { value: true, force: true },
      taskbar: { value: false, force: true },
      offline: { value: 300000, force: true },
      video: { value: true, force: true },
      hotkeyDial: { value: 'F8', force: true },
      hotkeyAccept: { value: 'CTRL + ALT + F9', force: true },
      hotkeyReject: { value: 'WIN + F10', force: true },
      logFlags: { value: '00000000d6800001', force: true },
      docking: { value: 2, force: true },
      notifications: { value: false, force: true },
    };
    const r = resolveSettings({ managed: {}, pbx, user: {} });
    expect(r.warnings).toEqual([]);
    const s = r.settings;
    expect([s.autostart.value, s.showInTaskbar.value, s.appearOfflineAfterMs.value, s.videoAutostart.value]).toEqual([true, false, 300000, true]);
    expect([s.hotkeyDial.value, s.hotkeyAccept.value, s.hotkeyReject.value]).toEqual(['F8', 'CTRL + ALT + F9', 'WIN + F10']);
    expect(s.logFlags.value).toBe('0xd6800001');
    expect(s.docking.value).toBe('right');
    expect(s.notifications.value).toBe(false);
    for (const k of ['autostart', 'showInTaskbar', 'appearOfflineAfterMs', 'videoAutostart', 'hotkeyDial', 'logFlags', 'docking', 'notifications'] as const) {
      expect(s[k]).toMatchObject({ source: 'pbx-forced', locked: true });
    }
  });

  it('locks installer-only settings and ignores a user value for them', () => {
    const r = resolveSettings({ managed: { disableLocalhost: true }, pbx: {}, user: { disableLocalhost: false, fasterDownloads: true } });
    expect(r.settings.disableLocalhost).toMatchObject({ value: true, source: 'managed', locked: true, lockedBy: 'installer' });
    expect(r.settings.fasterDownloads).toMatchObject({ value: false, source: 'default', locked: true });
  });

  it('warns about bad values with the setting name', () => {
    const r = resolveSettings({ managed: { server: 'https://x' }, pbx: { logFlags: { value: 'zz' } }, user: { docking: 'top' } });
    expect(r.warnings).toHaveLength(3);
    expect(r.warnings.join('\n')).toMatch(/server: Enter the server without a protocol/);
    expect(r.warnings.join('\n')).toMatch(/logFlags/);
    expect(r.warnings.join('\n')).toMatch(/docking: expected one of none, left, right/);
  });
});

describe('value normalisation', () => {
  it.each([
    ['F8', 'F8'], ['ctrl+alt+f9', 'CTRL + ALT + F9'], ['ALT + CTRL + F9', 'CTRL + ALT + F9'], ['win + F10', 'WIN + F10'], ['', ''], ['Control + F1', 'CTRL + F1'],
  ])('hot key %j -> %j', (raw, value) => expect(normaliseHotkey(raw)).toEqual({ ok: true, value }));
  it.each(['F12', 'CTRL + ALT + SHIFT + F1', 'CTRL + CTRL + F1', 'HYPER + F1', 'A', 'CTRL +', '+F1'])('hot key %j refused', (raw) => expect(normaliseHotkey(raw).ok).toBe(false));
  it.each([
    ['0x856000001', '0x856000001'], ['00000000d6800001', '0xd6800001'], ['856000001', '0x856000001'], [1, '0x1'], ['0X1', '0x1'],
  ])('log flags %j -> %j', (raw, value) => expect(normaliseLogFlags(raw)).toEqual({ ok: true, value }));
  it.each(['', 'xyz', '0x1000000000', -1, 1.5, null])('log flags %j refused', (raw) => expect(normaliseLogFlags(raw).ok).toBe(false));
  it('EXTERNALAPPS JSON from the MSI example', () => {
    const r = coerceSetting('externalApps', '{"externalApps":[{"id":0,"name":"Wireshark","path":"C:\\\\Program Files\\\\Wireshark\\\\Wireshark.exe","param":"test $I"}]}', true);
    expect(r).toEqual({ ok: true, value: [{ id: 0, name: 'Wireshark', path: 'C:\\Program Files\\Wireshark\\Wireshark.exe', param: 'test $I', startOnAccept: false }] });
  });
  it('every default passes its own validation', () => {
    const defs = defaultValues();
    for (const s of SETTINGS) expect(coerceSetting(s.key, defs[s.key])).toMatchObject({ ok: true });
  });
});
