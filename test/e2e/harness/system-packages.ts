/**
 * Debian packages the end-to-end tests need. The e2e global setup (and .ci/run) installs the
 * missing ones with apt-get, so a new machine needs nothing by hand. Add to this list, with the
 * binary that proves the package is present. `demo: true`: `npm run demo` needs it too (it installs
 * those the same way, scripts/demo/world.ts).
 */
export const SYSTEM_PACKAGES: { pkg: string; bin: string; demo?: true }[] = [
  { pkg: 'chromium', bin: '/usr/bin/chromium', demo: true },
  { pkg: 'xvfb', bin: '/usr/bin/Xvfb', demo: true },
  { pkg: 'xauth', bin: '/usr/bin/xauth' },
  { pkg: 'xdotool', bin: '/usr/bin/xdotool', demo: true },
  { pkg: 'xsel', bin: '/usr/bin/xsel' },
  { pkg: 'xclip', bin: '/usr/bin/xclip' },
  { pkg: 'x11-utils', bin: '/usr/bin/xwininfo' },
  { pkg: 'dbus-x11', bin: '/usr/bin/dbus-launch' },
  { pkg: 'dunst', bin: '/usr/bin/dunst', demo: true },
  { pkg: 'libnotify-bin', bin: '/usr/bin/notify-send' },
  { pkg: 'xdg-utils', bin: '/usr/bin/xdg-open', demo: true },
  { pkg: 'tinyproxy', bin: '/usr/bin/tinyproxy' },
  { pkg: 'nginx-light', bin: '/usr/sbin/nginx' },
  { pkg: 'openssl', bin: '/usr/bin/openssl' },
  { pkg: 'iproute2', bin: '/usr/sbin/ip' },
  { pkg: 'tshark', bin: '/usr/bin/tshark' }, // media e2e: the recorded pcap must read as RTP
  { pkg: 'fonts-liberation', bin: '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', demo: true },
  { pkg: 'dbus-daemon', bin: '/usr/bin/dbus-daemon', demo: true },
  { pkg: 'dbus-bin', bin: '/usr/bin/dbus-send', demo: true }, // harness/desktop.ts waits for dunst on the bus
  { pkg: 'libsecret-tools', bin: '/usr/bin/secret-tool', demo: true },
  { pkg: 'gnome-keyring', bin: '/usr/bin/gnome-keyring-daemon', demo: true },
  { pkg: 'mono-mcs', bin: '/usr/bin/mcs' }, // native/win/send-copy.test.ts compiles the helper's C# (P/Invoke SendInput)
  { pkg: 'openbox', bin: '/usr/bin/openbox' }, // test/e2e/docking.e2e.test.ts: a window manager that honours _NET_WM_STRUT_PARTIAL
  { pkg: 'wixl', bin: '/usr/bin/wixl' }, // test/e2e/msi-tables.e2e.test.ts builds an MSI from build/msi/managed-settings.wxs
  { pkg: 'msitools', bin: '/usr/bin/msiinfo' }, // … and reads its tables back
];
