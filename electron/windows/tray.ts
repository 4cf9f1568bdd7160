/**
 * The tray icon and its menu (show, settings, autostart, show in taskbar, trace folder, collect
 * logs, quit), and autostart at login through the AutostartPort (docs/windows.md).
 */
import { english, type Translator } from '../../common/i18n';
import type { Logger } from '../platform';
import type { AutostartPort, ShellPort, TrayPort, WindowHost } from './ports';
import { buildTrayMenu, TrayIds } from './tray-menu';
import type { WindowSettings } from './settings';

export interface TrayActions {
  quit(): void;
  openSettings(): void;
  /** Writes the log zip and returns its path (revealed in the file manager); progress 0…1. */
  collectLogs?(onProgress?: (fraction: number) => void): Promise<string>;
}

export interface TrayController {
  /** Tool tip, click to show, the menu, and autostart as the setting says. */
  start(): Promise<void>;
  refresh(): Promise<void>;
  click(id: string): Promise<void>;
  /** Make the OS autostart entry follow the `autostart` setting. */
  applyAutostart(): Promise<void>;
  /** Long work in words (update download progress) for the tooltip and menu; undefined: none. */
  setStatus(text: string | undefined): void;
  destroy(): void;
}

export function createTrayController(o: {
  host: WindowHost;
  tray?: TrayPort;
  autostart?: AutostartPort;
  shell?: ShellPort;
  settings: WindowSettings;
  logger: Logger;
  platform: string;
  traceFolder: string;
  actions: TrayActions;
  /** The client's language for the tray (common/i18n); English when not given. */
  words?: Translator;
  /** Tells the user something went wrong outside any window (an OS notification in the product). */
  notify?(title: string, body: string): void;
  /** Product name (tooltip). */
  productName?: string;
}): TrayController {
  const { host, tray, autostart, shell, settings, logger } = o;
  const words = o.words ?? english;
  const product = o.productName ?? 'myApps';
  let collecting = false;
  let collectProgress: number | undefined;
  let status: string | undefined;
  let lastAutostart: boolean | undefined;
  const showInTaskbar = (): boolean => settings.get('showInTaskbar') !== false;

  async function applyAutostart(): Promise<void> {
    if (!autostart) return;
    const want = settings.get('autostart') === true;
    if (want === lastAutostart) return;
    try {
      await autostart.setEnabled(want, { hidden: true });
      lastAutostart = want;
      logger.trace('App', 'autostart', { enabled: want });
    } catch (err) {
      logger.warn('autostart not changed', { error: String(err) });
    }
  }

  async function refresh(): Promise<void> {
    if (!tray) return;
    const items = buildTrayMenu({
      autostart: settings.get('autostart') === true,
      autostartLocked: !autostart || settings.isForced('autostart'),
      showInTaskbar: showInTaskbar(),
      showInTaskbarLocked: settings.isForced('showInTaskbar'),
      platform: o.platform,
      collecting,
      ...(collectProgress !== undefined ? { collectProgress } : {}),
      ...(status ? { status } : {}),
      words,
    });
    tray.setMenu(items, (id) => void click(id));
  }

  async function collect(): Promise<void> {
    if (!o.actions.collectLogs || collecting) return;
    collecting = true;
    collectProgress = undefined;
    await refresh();
    let shown = -1;
    try {
      const zip = await o.actions.collectLogs((f) => {
        // the menu shows whole percents: rebuild it only when that number changes
        const pct = Math.floor(f * 100);
        if (pct === shown) return;
        shown = pct;
        collectProgress = f;
        void refresh();
      });
      shell?.showItemInFolder(zip);
    } catch (err) {
      logger.error('collect logs failed', { error: String(err) });
      o.notify?.(words.t('logs.failedTitle'), words.t('logs.failed', { error: String((err as Error)?.message ?? err) }));
    } finally {
      collecting = false;
      collectProgress = undefined;
      await refresh();
    }
  }

  async function click(id: string): Promise<void> {
    logger.trace('App', 'tray click', { id });
    switch (id) {
      case TrayIds.show:
        host.showMain();
        return;
      case TrayIds.settings:
        o.actions.openSettings();
        return;
      case TrayIds.autostart:
        if (settings.isForced('autostart') || !autostart) return;
        await settings.set('autostart', settings.get('autostart') !== true);
        return;
      case TrayIds.showInTaskbar:
        if (settings.isForced('showInTaskbar')) return;
        await settings.set('showInTaskbar', !showInTaskbar());
        return;
      case TrayIds.openTraceFolder:
        await shell?.openPath(o.traceFolder).catch((err) => logger.warn('trace folder not opened', { error: String(err) }));
        return;
      case TrayIds.collectLogs:
        return collect();
      case TrayIds.quit:
        o.actions.quit();
        return;
      default:
        logger.warn('unknown tray item', { id });
    }
  }

  return {
    async start() {
      tray?.setToolTip(product);
      tray?.onActivate(() => host.showMain());
      if (autostart) lastAutostart = await autostart.isEnabled().catch(() => undefined);
      await applyAutostart();
      await refresh();
    },
    refresh,
    click,
    applyAutostart,
    setStatus(text) {
      if (text === status) return;
      status = text;
      tray?.setToolTip(text ? `${product}\n${text}` : product);
      void refresh();
    },
    destroy: () => tray?.destroy(),
  };
}
