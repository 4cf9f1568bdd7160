import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autostartDesktopEntry, quoteExecArg, XdgAutostart, xdgAutostartDir } from './autostart';

let dir: string;
beforeEach(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autostart-test-')); });
afterEach(async () => { await fs.rm(dir, { recursive: true, force: true }); });

describe('XDG autostart', () => {
  it('quotes Exec arguments', () => {
    expect(quoteExecArg('/opt/myApps/myapps')).toBe('/opt/myApps/myapps');
    expect(quoteExecArg('/home/a b/My$App.AppImage')).toBe('"/home/a b/My\\$App.AppImage"');
    expect(quoteExecArg('50%')).toBe('50%%');
    expect(() => quoteExecArg('a\nb')).toThrow();
    expect(autostartDesktopEntry({ name: 'myApps', exec: '/opt/my Apps/myapps', args: ['--hidden'] })).toContain('Exec="/opt/my Apps/myapps" --hidden\n');
  });
  it('writes and removes the entry', async () => {
    const d = xdgAutostartDir({ XDG_CONFIG_HOME: dir }, '/home/x');
    expect(d).toBe(path.join(dir, 'autostart'));
    expect(xdgAutostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/x')).toBe('/home/x/.config/autostart');
    const a = new XdgAutostart({ dir: d, id: 'com.innovaphone.myapps', name: 'myApps', exec: '/opt/myApps/myapps' });
    expect(await a.isEnabled()).toBe(false);
    await a.setEnabled(true, { hidden: true });
    const text = await fs.readFile(path.join(d, 'com.innovaphone.myapps.desktop'), 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\nName=myApps\n/);
    expect(text).toContain('Exec=/opt/myApps/myapps --hidden\n');
    expect((await fs.stat(a.file)).mode & 0o777).toBe(0o644);
    expect(await a.isEnabled()).toBe(true);
    await fs.writeFile(a.file, text + 'Hidden=true\n');
    expect(await a.isEnabled()).toBe(false);
    await a.setEnabled(false);
    expect(await a.isEnabled()).toBe(false);
    await a.setEnabled(false); // idempotent
    expect(() => new XdgAutostart({ dir: d, id: '../x', name: 'x', exec: 'x' })).toThrow();
  });
});
