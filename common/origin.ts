/**
 * Origins, normalised once for the whole client: the bus allow-list (electron/bus), the trusted
 * page kinds and permissions (electron/security), certificate pins (electron/connect), the
 * launcher controller and the error page all compare origins in this one form.
 */
import { LAUNCHER_SCHEME } from './preload-names';

/**
 * The origin of an http(s) URL in its serialized form — `scheme://host[:port]`, lower case,
 * default port dropped, IPv6 in brackets — or null when it is not an http(s) URL or carries a
 * user name or password (so `https://PBX.example.com:443/x` and `https://pbx.example.com` are
 * the same origin).
 */
export function webOrigin(url: string | undefined | null): string | null {
  if (!url) return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password) return null;
  return u.origin.toLowerCase();
}

/** Like webOrigin, and the launcher's own pages have the origin `myapps-launcher://<host>`. */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  if (url.slice(0, LAUNCHER_SCHEME.length + 1).toLowerCase() === `${LAUNCHER_SCHEME}:`) {
    try {
      return `${LAUNCHER_SCHEME}://${new URL(url).host.toLowerCase()}`;
    } catch {
      return null;
    }
  }
  return webOrigin(url);
}
