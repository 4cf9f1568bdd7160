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

/** webPreferences of every window the client creates (main, settings, detached apps, popups). */
export function secureWebPreferences(preload: string | undefined) {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    ...(preload ? { preload } : {}),
  } as const;
}
