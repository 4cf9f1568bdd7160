/**
 * What electron/os-adapters.ts chooses on a Linux X11 desktop with a session bus, a notification
 * daemon, the Secret Service and the OS CA bundle (docs/decisions.md): the adapters the e2e tests
 * drive. The packaged-main test and the demo check the product's choice against it.
 */
export const LINUX_X11_ADAPTER_KINDS = {
  session: 'x11',
  keyListener: 'x11-grabkey',
  selectionReader: 'x11-primary',
  notifier: 'dbus',
  idleClock: 'x11-screensaver+powerMonitor',
  proxyLogins: 'secret-service',
  updateFetch: 'proxyFetch',
  protocolRegistrar: 'xdg-mime',
  // keeping awake in calls: the desktop's inhibit services on the session bus
  powerSaveBlocker: 'dbus-inhibit',
} as const;
