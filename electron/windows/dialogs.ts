/**
 * Launcher-owned dialogs (Electron-free): the update progress popup, the proxy credentials
 * dialog, the screen/window picker for app sharing, and the "install update now / later"
 * notification. Each is a small launcher page (renderer/launcher/<page>.html) in its own window,
 * talking to the main process through the preload contract (common/preload.ts). The composition
 * root gives a DialogHost (BrowserWindow in the product, native/electron/dialogs.ts).
 *
 * Every dialog answers only its own window (webContents id): another launcher page cannot answer
 * a credential prompt or pick a screen. Window titles and the notification are in the client's
 * language (`words`, common/i18n; English when not given); the pages ask for it themselves.
 */
import type { PreloadEventName, PreloadEventPayload, PreloadResponse } from '../../common/preload';
import { english, type Translator } from '../../common/i18n';
import type { PreloadHandlers } from '../security';
import type { DialogHost, DialogSpec, DialogWindow } from './ports';
import type { Logger } from '../platform';
import type { Notifier } from '../notifications/ports';
import type { UpdateUiPort } from '../update/ports';
import type { CredentialPrompt, CredentialRequest, CredentialStore, ProxyCredentials } from '../connect/ports';

const notThisWindow = 'not the window of this dialog';

// ---------------------------------------------------------------------------------------------
// Auto update: progress popup and "install now / later"

export interface UpdateUiOptions {
  dialogs: DialogHost;
  notifier?: Notifier;
  logger: Logger;
  /** Product name in texts. */
  productName: string;
  words?: Translator;
}

export interface UpdateUi extends UpdateUiPort {
  readonly handlers: PreloadHandlers;
}

/**
 * UpdateUiPort (electron/update/ports.ts). askInstall: an OS notification with "Install now" and
 * "Later"; dismissed, expired, clicked on its body, or no notification support: 'later' (the
 * service asks again after one hour; a package still waiting at the next start is installed then).
 * showInstallProgress: a small always-on-top window with a progress bar.
 */
export function createUpdateUi(o: UpdateUiOptions): UpdateUi {
  const w = o.words ?? english;
  const product = o.productName;
  let progress: { win: DialogWindow; state: PreloadResponse<'update.getState'> } | undefined;
  const handlers: PreloadHandlers = {
    'update.getState': (_req, caller) => {
      if (!progress || caller.webContentsId !== progress.win.id) throw new Error(notThisWindow);
      return progress.state;
    },
  };
  return {
    handlers,
    async askInstall(info) {
      if (!o.notifier) return 'later';
      return new Promise<'now' | 'later'>((resolve) => {
        let settled = false;
        const done = (a: 'now' | 'later') => {
          if (settled) return;
          settled = true;
          resolve(a);
        };
        o.notifier!
          .show(
            {
              title: w.t('notify.updateTitle', { product }),
              // only the signed build number (the manifest's label is not signed)
              body: w.t('notify.updateBody', { build: info.build, product }),
              kind: 'default',
              persistent: true,
              urgent: false,
              buttons: [
                { action: 'accept', label: w.t('notify.installNow') },
                { action: 'reject', label: w.t('notify.later') },
              ],
              silent: true,
            },
            {
              onAction: (action) => done(action === 'accept' ? 'now' : 'later'),
              onClosed: () => done('later'),
            },
          )
          .catch((err: unknown) => {
            o.logger.warn('update: cannot show the install notification; asking again later', { error: String(err) });
            done('later');
          });
      });
    },
    showInstallProgress(info) {
      progress?.win.close();
      const state: PreloadResponse<'update.getState'> = { build: info.build, fraction: null, phase: 'installing' };
      const win = o.dialogs.open({ page: 'update.html', title: w.t('window.install', { product }), width: 440, height: 220, modal: true });
      const mine = { win, state };
      progress = mine;
      win.onClosed(() => {
        if (progress === mine) progress = undefined;
      });
      return {
        update(fraction) {
          if (progress !== mine) return;
          mine.state = { ...mine.state, fraction: typeof fraction === 'number' && Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : null };
          win.emit('updateProgress', mine.state);
        },
        close() {
          if (progress === mine) progress = undefined;
          win.close();
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One dialog window for a queue of questions (proxy credentials, links from pages)

export interface QueueDialogOptions {
  dialogs: DialogHost;
  spec: DialogSpec;
  /** How long each question waits for the user; then `onTimeout`. */
  timeoutMs: number;
  onTimeout(): void;
  /** The user closed the window: every waiting question is cancelled. */
  onClosedByUser(): void;
}

/**
 * The window of a question queue: opened for the first question, re-used for the next (its event
 * sent, the window focused), closed when none is left. Each question has a deadline. Only this
 * window may read or answer the questions (`owns`).
 */
export class QueueDialog {
  private win: DialogWindow | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: QueueDialogOptions) {}

  /** True for calls from this dialog's own window. */
  owns(webContentsId: number): boolean {
    return !!this.win && this.win.id === webContentsId;
  }

  /** Show the next question (its event for an open window), or close the window when there is none. */
  show<E extends PreloadEventName>(next: { event: E; payload: PreloadEventPayload<E> } | undefined): void {
    clearTimeout(this.timer);
    if (!next) {
      const x = this.win;
      this.win = undefined;
      x?.close();
      return;
    }
    this.timer = setTimeout(() => this.o.onTimeout(), this.o.timeoutMs);
    this.timer.unref?.();
    if (this.win) {
      this.win.emit(next.event, next.payload);
      this.win.focus();
      return;
    }
    const opened = this.o.dialogs.open(this.o.spec);
    this.win = opened;
    opened.onClosed(() => {
      if (this.win !== opened) return;
      this.win = undefined;
      clearTimeout(this.timer);
      this.o.onClosedByUser();
    });
  }

  /** Tell an open window that the queue behind the current question changed. */
  update<E extends PreloadEventName>(event: E, payload: PreloadEventPayload<E>): void {
    this.win?.emit(event, payload);
  }
}

// ---------------------------------------------------------------------------------------------
// Proxy credentials

export interface ProxyAuthInfo {
  host: string;
  port: number;
  realm?: string;
  /** Electron's authInfo.isProxy: only proxies are answered; a server's own auth is cancelled. */
  isProxy: boolean;
}

export interface ProxyAuthOptions {
  dialogs: DialogHost;
  store?: CredentialStore;
  logger: Logger;
  productName: string;
  words?: Translator;
  /** How long the dialog waits for the user before it counts as cancelled [5 min]. */
  timeoutMs?: number;
}

export interface ProxyAuth {
  /** CredentialPrompt of electron/connect (Node-side traffic: update downloads, …). */
  readonly prompt: CredentialPrompt;
  /**
   * Electron's `app.on('login')` (Chromium traffic: the web client): stored credentials first,
   * the dialog when there are none or they were refused. Resolves null = cancel.
   */
  login(info: ProxyAuthInfo): Promise<ProxyCredentials | null>;
  readonly handlers: PreloadHandlers;
  /** Requests waiting (for tests and traces). */
  readonly pending: number;
}

interface Waiting {
  req: CredentialRequest;
  key: string;
  resolvers: ((c: ProxyCredentials | null) => void)[];
}

/**
 * One dialog for all credential requests: requests for the same proxy (host:port, retry flag)
 * share one question ("asks once"); different proxies queue and are asked one after the other.
 * Credentials the user typed are kept in the CredentialStore (safeStorage-encrypted file in the
 * product) under the proxy host; a refused stored password is asked again and replaced.
 */
export function createProxyAuth(o: ProxyAuthOptions): ProxyAuth {
  const queue: Waiting[] = [];
  /** Electron login: proxies we already answered this run (asking again means: refused). */
  const handed = new Set<string>();
  /** Electron login: the answer being worked out per proxy (concurrent requests share it). */
  const inflight = new Map<string, Promise<ProxyCredentials | null>>();

  const current = (): Waiting | undefined => queue[0];
  const toRequest = (w: Waiting | undefined): PreloadResponse<'proxyAuth.getRequest'> =>
    w ? { pending: true, host: w.req.proxyHost, port: w.req.proxyPort, retry: w.req.retry, ...(w.req.realm ? { realm: w.req.realm.slice(0, 300) } : {}) } : { pending: false, host: '', port: 0, retry: false };

  const dialog = new QueueDialog({
    dialogs: o.dialogs,
    spec: { page: 'proxy-auth.html', title: (o.words ?? english).t('window.proxyAuth', { product: o.productName }), width: 480, height: 460, modal: true },
    timeoutMs: o.timeoutMs ?? 300_000,
    onTimeout: () => finish(null),
    // closing the window cancels every waiting request
    onClosedByUser: () => { for (const w of queue.splice(0)) for (const r of w.resolvers) r(null); },
  });
  const showNext = () => dialog.show(current() ? { event: 'proxyAuthRequest', payload: toRequest(current()) } : undefined);

  const finish = (creds: ProxyCredentials | null) => {
    const w = queue.shift();
    if (w) for (const r of w.resolvers) r(creds);
    showNext();
  };

  const ask = (req: CredentialRequest): Promise<ProxyCredentials | null> => {
    const key = `${req.proxyHost.toLowerCase()}:${req.proxyPort}:${req.retry}`;
    return new Promise((resolve) => {
      const same = queue.find((w) => w.key === key);
      if (same) {
        same.resolvers.push(resolve);
        return;
      }
      queue.push({ req, key, resolvers: [resolve] });
      o.logger.trace('App', 'proxy credentials requested', { proxy: `${req.proxyHost}:${req.proxyPort}`, retry: req.retry });
      if (queue.length === 1) showNext();
    });
  };

  const handlers: PreloadHandlers = {
    'proxyAuth.getRequest': (_req, caller) => {
      if (!dialog.owns(caller.webContentsId)) throw new Error(notThisWindow);
      return toRequest(current());
    },
    'proxyAuth.answer': async (req, caller) => {
      if (!dialog.owns(caller.webContentsId)) return { ok: false as const, error: notThisWindow };
      const w = current();
      if (!w) return { ok: false as const, error: 'No request is waiting.' };
      if ('cancel' in req) {
        o.logger.trace('App', 'proxy credentials: cancelled by the user', { proxy: w.req.proxyHost });
        finish(null);
        return { ok: true as const };
      }
      const creds = { username: req.username, password: req.password };
      if (o.store) {
        await o.store.set(w.req.proxyHost, creds).catch((err: unknown) => o.logger.warn('proxy credentials not stored', { error: String(err) }));
      }
      finish(creds);
      return { ok: true as const };
    },
  };

  return {
    prompt: { ask },
    handlers,
    get pending() {
      return queue.length;
    },
    login(info) {
      if (!info.isProxy) return Promise.resolve(null);
      const key = `${info.host.toLowerCase()}:${info.port}`;
      const running = inflight.get(key);
      if (running) return running; // concurrent requests through the same proxy: one answer
      const retry = handed.has(key);
      const p = (async () => {
        if (!retry && o.store) {
          const stored = await o.store.get(info.host).catch(() => undefined);
          if (stored) return stored;
        }
        // Chromium asks again after we answered: the last credentials were refused. Never hand
        // the same stored password out twice (no retry loop that locks the account).
        return ask({ proxyHost: info.host, proxyPort: info.port, realm: info.realm, retry });
      })();
      inflight.set(key, p);
      void p.then(
        (c) => {
          inflight.delete(key);
          if (c) handed.add(key);
        },
        () => inflight.delete(key),
      );
      return p;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Display-media picker (app sharing)

/** The shape of DisplayPickerModel (native/electron/display-media.ts). */
export interface PickerModelLike {
  state(): PreloadResponse<'displayPicker.getState'>;
  choose(id: string): boolean;
  cancel(): void;
  onChange(cb: (s: PreloadResponse<'displayPicker.getState'>) => void): () => void;
}

/** Opens the picker window while a capture request waits; closing it cancels the request. */
export function createDisplayPickerUi(o: { dialogs: DialogHost; model: PickerModelLike; productName: string; words?: Translator }): { readonly handlers: PreloadHandlers; dispose(): void } {
  let win: DialogWindow | undefined;
  const mine = (id: number) => !!win && win.id === id;
  const off = o.model.onChange((s) => {
    if (s.open) {
      if (win) {
        win.emit('displayPickerChanged', s);
        win.focus();
        return;
      }
      const opened = o.dialogs.open({ page: 'display-picker.html', title: (o.words ?? english).t('window.picker', { product: o.productName }), width: 760, height: 560, modal: false });
      win = opened;
      opened.onClosed(() => {
        if (win !== opened) return;
        win = undefined;
        if (o.model.state().open) o.model.cancel();
      });
    } else if (win) {
      const x = win;
      win = undefined;
      x.close();
    }
  });
  const handlers: PreloadHandlers = {
    'displayPicker.getState': (_r, caller) => {
      if (!mine(caller.webContentsId)) throw new Error(notThisWindow);
      return o.model.state();
    },
    'displayPicker.choose': ({ id }, caller) => {
      if (!mine(caller.webContentsId)) return { ok: false as const, error: notThisWindow };
      return o.model.choose(id) ? { ok: true as const } : { ok: false as const, error: 'That screen or window is not on offer.' };
    },
    'displayPicker.cancel': (_r, caller) => {
      if (mine(caller.webContentsId)) o.model.cancel();
      return { ok: true as const };
    },
  };
  return {
    handlers,
    dispose() {
      off();
      win?.close();
      win = undefined;
    },
  };
}
