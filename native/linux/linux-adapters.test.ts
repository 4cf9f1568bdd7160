import { describe, it, expect } from 'vitest';
import { desktopEntry, desktopExecArg } from './protocol-registrar';
import { dbusActions, escapeMarkup } from './notifier';
import { X11KeyListener } from './key-listener';
import { memoryLogger } from '../../test/fixtures/memory-logger';
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

describe('X11 key listener without a display', () => {
  it('reports the chords as inactive with the key server error instead of failing silently', async () => {
    const saved = process.env.DISPLAY;
    process.env.DISPLAY = ':987654';
    const log = memoryLogger();
    const kl = new X11KeyListener({ logger: log, settleMs: 1500 });
    try {
      const st = await kl.setChords([{ id: 'dial', chord: { key: 'F9', mods: ['ctrl'] } }], () => {});
      expect(st).toEqual([{ id: 'dial', active: false, reason: expect.stringMatching(/X11 key server stopped \(exit code 1.*DISPLAY=:987654/) }]);
      expect(log.lines.some((l) => l.level === 'error')).toBe(true);
    } finally {
      kl.close();
      if (saved === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = saved;
    }
  });
});

describe('xdg-open URL opener', () => {
  it('opens http(s) only and says when xdg-open is missing', async () => {
    const opener = new XdgUrlOpener({ env: { PATH: '/nonexistent' } });
    await expect(opener.openExternal('file:///etc/passwd')).rejects.toThrow(/only http and https/);
    await expect(opener.openExternal('https://crm.example.com/')).rejects.toThrow(/xdg-open not found/);
  });
});
