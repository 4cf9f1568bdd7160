/** The Electron language adapter against the Electron stand-in. */
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../test/fixtures/fake-electron')).electron);

import { electron } from '../../test/fixtures/fake-electron';
import { createLanguageSource } from './locale';

describe('Electron language source', () => {
  it('the OS languages first, then Chromium locale; the POSIX environment where Electron has none', () => {
    electron.app.systemLanguages = ['de-DE', 'en-US'];
    electron.app.locale = 'de';
    expect(createLanguageSource({}).preferredLanguages()).toEqual(['de-DE', 'en-US', 'de']);
    electron.app.systemLanguages = [];
    electron.app.locale = 'en-US';
    expect(createLanguageSource({ LANG: 'de_DE.UTF-8' }).preferredLanguages()).toEqual(['de-DE', 'en-US']);
    expect(createLanguageSource({ LANG: 'C' }).preferredLanguages()).toEqual(['en-US']);
    electron.app.systemLanguages = ['en-US'];
  });
});
