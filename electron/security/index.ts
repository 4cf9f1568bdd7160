/**
 * Security policy of the client (Electron-free; applied by electron/main.ts). See docs/security.md.
 */
export * from './origins';
export * from './permissions';
export * from './links';
export * from './navigation';
export * from './argv';
export * from './ipc-guard';
export * from './launcher-pages';
export * from './page-hooks';

/**
 * webPreferences of every window the client creates (main, settings, detached apps, popups).
 * `subFrames`: the preload also runs in subframes (the main window and detached app windows, whose
 * app frames get lib1's launcher hooks); Node stays off everywhere (sandbox), the preload there
 * exposes nothing but the hooks, and the main process gives subframes only the `app` methods.
 */
export function secureWebPreferences(preload: string | undefined, opts: { subFrames?: boolean } = {}) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: !!(preload && opts.subFrames),
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: true,
    safeDialogs: true,
    ...(preload ? { preload } : {}),
  } as const;
}
