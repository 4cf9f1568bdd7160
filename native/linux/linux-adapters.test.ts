import { describe, it, expect } from 'vitest';
import { desktopEntry, desktopExecArg } from './protocol-registrar';
import { dbusActions, escapeMarkup } from './notifier';
import { X11GrabKeyListener, chordMask, lockVariants, modifierMasks } from './grab-key-listener';
import { XdgUrlOpener } from './url-opener';

describe('linux protocol registrar', () => {
  it('quotes Exec arguments and ends with -- %u', () => {
    const e = desktopEntry({ desktopId: 'x', exec: ['/usr/bin/node', '/opt/my apps/fwd.mjs', '/run/x.sock'], dataHome: '/d', configHome: '/c' }, ['tel', 'im']);
    expect(e).toContain('Exec=/usr/bin/node "/opt/my apps/fwd.mjs" /run/x.sock -- %u\n');
    expect(e).toContain('MimeType=x-scheme-handler/tel;x-scheme-handler/im;\n');
    expect(() => desktopExecArg('a"b')).toThrow(/unsupported/);
    expect(() => desktopExecArg('%u')).toThrow(/unsupported/);
    expect(() => desktopExecArg('$HOME')).toThrow(/unsupported/);
  });
});

describe('linux notifier helpers', () => {
  it('escapes markup and builds the action list', () => {
    expect(escapeMarkup('<b>a & b</b>')).toBe('&lt;b&gt;a &amp; b&lt;/b&gt;');
    const n = { title: 't', body: '', kind: 'chat' as const, persistent: false, urgent: false, silent: true, buttons: [{ action: 'accept' as const, label: 'Yes' }, { action: '' as const, label: 'View' }], replyLabel: 'Reply' };
    expect(dbusActions(n, ['actions'])).toEqual(['default', 'Open', 'accept', 'Yes', 'view', 'View']);
    expect(dbusActions(n, ['actions', 'inline-reply'])).toEqual(['default', 'Open', 'accept', 'Yes', 'view', 'View', 'inline-reply', 'Reply']);
  });
});

describe('X11 grab key listener', () => {
  it('reads the modifier masks from the server mapping (Alt, Super, NumLock, ScrollLock)', () => {
    // keycode → keysyms as GetKeyboardMapping gives them (an Xvfb default keymap, abridged)
    const syms: Record<number, number[]> = { 64: [0xffe9, 0xffe7], 77: [0xff7f], 78: [0xff14], 133: [0xffeb] };
    const rows = [[50], [66], [37], [64], [77], [78], [133], []]; // Shift Lock Control Mod1..Mod5
    const m = modifierMasks(rows, (kc) => syms[kc] ?? []);
    expect(m).toEqual({ alt: 8, win: 64, numLock: 16, scrollLock: 32 });
    expect(chordMask(['alt', 'ctrl'], m)).toBe(8 | 4);
    expect(chordMask(['shift', 'win'], m)).toBe(1 | 64);
    // every combination of CapsLock, NumLock and ScrollLock
    expect(lockVariants(m).sort((a, b) => a - b)).toEqual([0, 2, 16, 18, 32, 34, 48, 50]);
    // no NumLock on the keyboard: CapsLock alone
    expect(lockVariants(modifierMasks([[], [], [], [64], [], [], [], []], (kc) => syms[kc] ?? []))).toEqual([0, 2]);
  });

  it('reports the chords inactive with the reason when there is no X display', async () => {
    const kl = new X11GrabKeyListener({ display: ':987' });
    try {
      const st = await kl.setChords([{ id: 'dial', chord: { key: 'F9', mods: ['ctrl'] } }], () => {});
      expect(st).toEqual([{ id: 'dial', active: false, reason: expect.stringMatching(/cannot connect to the X display :987/) }]);
    } finally {
      kl.close();
    }
  });

  it('counts a held chord once: the auto-repeat KeyPress carries the time of the KeyRelease before it', () => {
    const kl = new X11GrabKeyListener({ display: ':0' });
    const pressed: string[] = [];
    const c = { masks: { alt: 8, win: 64, numLock: 16, scrollLock: 0 } };
    const k = kl as unknown as { grabs: unknown[]; onPress: (id: string) => void; onEvent(c: unknown, e: unknown): void };
    k.grabs = [{ id: 'accept', keycode: 73, mods: 0, variants: [0] }];
    k.onPress = (id) => pressed.push(id);
    k.onEvent(c, { name: 'KeyPress', keycode: 73, buttons: 16 /* NumLock on */, time: 1000 });
    k.onEvent(c, { name: 'KeyRelease', keycode: 73, time: 1500 });
    k.onEvent(c, { name: 'KeyPress', keycode: 73, buttons: 0, time: 1500 }); // auto-repeat
    k.onEvent(c, { name: 'KeyRelease', keycode: 73, time: 1540 });
    k.onEvent(c, { name: 'KeyPress', keycode: 73, buttons: 2 /* CapsLock */, time: 2000 }); // pressed again
    k.onEvent(c, { name: 'KeyPress', keycode: 73, buttons: 4 /* Ctrl: another chord */, time: 3000 });
    expect(pressed).toEqual(['accept', 'accept']);
    kl.close();
  });
});

describe('xdg-open URL opener', () => {
  it('opens http(s) only and says when xdg-open is missing', async () => {
    const opener = new XdgUrlOpener({ env: { PATH: '/nonexistent' } });
    await expect(opener.openExternal('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(opener.openExternal('https://crm.example.com/')).rejects.toThrow(/xdg-open not found/);
  });
});
