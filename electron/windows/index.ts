/**
 * Windows, tray and start (docs/windows.md): main window placement and docking, minimise to
 * tray, tray menu, autostart, show-in-taskbar, detached app windows, badge. Electron-free:
 * everything OS-facing goes through the ports in ./ports.
 */
export * from './service';
export * from './ports';
export * from './geometry';
export * from './edge';
export * from './tray-menu';
export * from './state';
export * from './launcher';
export * from './about';
export * from './link-confirm';
