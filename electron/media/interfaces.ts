/**
 * Which local addresses must never be signalled as media candidates: addresses of VPN
 * interfaces ("Audio/Video/AppSharing outside VPN") and EXCLUDEINTERFACES prefixes.
 *
 * Chromium does not tell JavaScript which interface a candidate came from, so the main process
 * (which can see interface names) turns VPN interfaces into a list of addresses for the engine.
 */
import type { NetworkInterfaceInfo } from 'node:os';

/** Interface names of tunnels, PPP links and WireGuard/OpenVPN/IPsec adapters on Linux, macOS, Windows. */
const VPN_NAME = /^(tun|tap|ppp|wg|utun|ipsec|gpd|vpn|zt|tailscale|nordlynx|proton|cscotun|l2tp|pptp|wireguard|openvpn)/i;
const VPN_DESC = /\b(vpn|tunnel|wireguard|wintun|tap-windows|anyconnect|globalprotect|fortinet|forticlient|openvpn|ppp)\b/i;

export function isVpnInterfaceName(name: string): boolean {
  return VPN_NAME.test(name) || VPN_DESC.test(name);
}

/** Addresses of VPN interfaces in an os.networkInterfaces() snapshot. */
export function vpnAddresses(ifaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  const out: string[] = [];
  for (const [name, list] of Object.entries(ifaces)) {
    if (!list || !isVpnInterfaceName(name)) continue;
    for (const a of list) if (!a.internal) out.push(a.address.toLowerCase());
  }
  return out;
}

/** Parses the EXCLUDEINTERFACES value ("172,192.168,10.10"): trimmed, only digits/hex, dots and colons. */
export function parseExcludeInterfaces(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(/[,;\s]+/)
    .map((p) => p.trim().replace(/[.:]+$/, ''))
    .filter((p) => p.length > 0 && /^[0-9a-f.:]+$/i.test(p));
}
