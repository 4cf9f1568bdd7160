/**
 * The tray menu as a plain model (pure), and the ids its clicks are routed by.
 * Items (docs/windows.md): show, settings, autostart toggle,
 * show-in-taskbar toggle, open trace folder, collect logs, quit.
 */
import type { TrayMenuItem } from './ports';

export const TrayIds = {
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
  /** A log collection is running (item disabled meanwhile). */
  collecting?: boolean;
  /** Labels (translations); English defaults. */
  labels?: Partial<Record<keyof typeof TrayIds, string>>;
}

const EN: Record<keyof typeof TrayIds, string> = {
  show: 'Show myApps',
  settings: 'Advanced settings…',
  autostart: 'Start at login',
  showInTaskbar: 'Show in taskbar',
  openTraceFolder: 'Open trace folder',
  collectLogs: 'Collect logs',
  quit: 'Quit myApps',
};

export function buildTrayMenu(s: TrayMenuState): TrayMenuItem[] {
  const l = { ...EN, ...s.labels };
  const sep = (n: number): TrayMenuItem => ({ id: `sep-${n}`, label: '', type: 'separator' });
  const items: TrayMenuItem[] = [
    { id: TrayIds.show, label: l.show, type: 'normal' },
    { id: TrayIds.settings, label: l.settings, type: 'normal' },
    sep(1),
    { id: TrayIds.autostart, label: l.autostart, type: 'checkbox', checked: s.autostart, enabled: !s.autostartLocked },
  ];
  if (s.platform !== 'darwin') items.push({ id: TrayIds.showInTaskbar, label: l.showInTaskbar, type: 'checkbox', checked: s.showInTaskbar, enabled: !s.showInTaskbarLocked });
  items.push(
    sep(2),
    { id: TrayIds.openTraceFolder, label: l.openTraceFolder, type: 'normal' },
    { id: TrayIds.collectLogs, label: l.collectLogs, type: 'normal', enabled: !s.collecting },
    sep(3),
    { id: TrayIds.quit, label: l.quit, type: 'normal' },
  );
  return items;
}
