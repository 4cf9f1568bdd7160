/**
 * The tray menu as a plain model (pure), and the ids its clicks are routed by.
 * Items (docs/windows.md): a status line while long work runs (update download, log collection),
 * show, settings, autostart toggle, show-in-taskbar toggle, open trace folder, collect logs, quit.
 * Labels are in the client's language (common/i18n).
 */
import { english, type Translator } from '../../common/i18n';
import type { TrayMenuItem } from './ports';

export const TrayIds = {
  status: 'status',
  show: 'show',
  settings: 'settings',
  autostart: 'autostart',
  showInTaskbar: 'show-in-taskbar',
  openTraceFolder: 'open-trace-folder',
  collectLogs: 'collect-logs',
  quit: 'quit',
} as const;

export interface TrayMenuState {
  autostart: boolean;
  /** Forced by the PBX (or autostart unsupported): shown, not clickable. */
  autostartLocked: boolean;
  showInTaskbar: boolean;
  showInTaskbarLocked: boolean;
  /** Show-in-taskbar exists on Windows and Linux (macOS has the dock instead). */
  platform: NodeJS.Platform | string;
  /** A log collection is running (item disabled meanwhile); its progress 0…1 when known. */
  collecting?: boolean;
  collectProgress?: number;
  /** Long work in words (the update download's progress), shown as a disabled first line. */
  status?: string;
  /** The client's language; English when not given. */
  words?: Translator;
}

export function buildTrayMenu(s: TrayMenuState): TrayMenuItem[] {
  const w = s.words ?? english;
  const sep = (n: number): TrayMenuItem => ({ id: `sep-${n}`, label: '', type: 'separator' });
  const items: TrayMenuItem[] = [];
  if (s.status) items.push({ id: TrayIds.status, label: s.status, type: 'normal', enabled: false }, sep(0));
  items.push(
    { id: TrayIds.show, label: w.t('tray.show'), type: 'normal' },
    { id: TrayIds.settings, label: w.t('tray.settings'), type: 'normal' },
    sep(1),
    { id: TrayIds.autostart, label: w.t('tray.autostart'), type: 'checkbox', checked: s.autostart, enabled: !s.autostartLocked },
  );
  if (s.platform !== 'darwin') items.push({ id: TrayIds.showInTaskbar, label: w.t('tray.showInTaskbar'), type: 'checkbox', checked: s.showInTaskbar, enabled: !s.showInTaskbarLocked });
  const collectLabel = s.collecting ? w.t('tray.collecting', { percent: s.collectProgress === undefined ? '' : w.percent(s.collectProgress) }).trim() : w.t('tray.collectLogs');
  items.push(
    sep(2),
    { id: TrayIds.openTraceFolder, label: w.t('tray.openTraceFolder'), type: 'normal' },
    { id: TrayIds.collectLogs, label: collectLabel, type: 'normal', enabled: !s.collecting },
    sep(3),
    { id: TrayIds.quit, label: w.t('tray.quit'), type: 'normal' },
  );
  return items;
}
