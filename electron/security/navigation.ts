/**
 * Navigation and window-open policy (Electron-free), applied to every webContents by
 * electron/main.ts through `will-navigate`, `will-redirect`, `will-frame-navigate` and
 * `setWindowOpenHandler`. Deny by default.
 */
import { decideExternalLink } from './links';
import { classifyOrigin, type OriginPolicy } from './origins';
import { webOrigin } from '../../common/origin';
import { linkForTrace } from '../../common/links';

export type NavigationDecision =
  | { action: 'allow' }
  /** Refuse the navigation and hand the URL to the OS (http/https/mailto). */
  | { action: 'external'; url: string }
  /** Refuse the navigation and give the link to the URI handler (tel/sip/im). */
  | { action: 'internal'; url: string; scheme: 'tel' | 'sip' | 'im' }
  | { action: 'deny'; reason: string };

/**
 * A top-level navigation started by a page (`will-navigate`). Allowed only inside the trusted
 * kind of page it starts from: PBX → PBX origin, launcher page → launcher page. (Switching
 * between the connect form and the web client is done by the main process with loadURL, which
 * does not pass through here.) Everything else is refused; links go out or to the URI handler.
 */
export function decideNavigation(targetUrl: string, currentUrl: string | undefined, policy: OriginPolicy): NavigationDecision {
  const target = classifyOrigin(targetUrl, policy);
  const current = classifyOrigin(currentUrl, policy);
  if (target && (current === target || !currentUrl || currentUrl === 'about:blank')) return { action: 'allow' };
  if (target) return { action: 'deny', reason: `navigation from ${current ?? 'untrusted'} to ${target} page refused` };
  return decideExternalLink(targetUrl);
}

/**
 * A server-side redirect of the main frame (`will-redirect`): stays within the PBX origin, or
 * is refused (a PBX that sends users to another PBX is followed by the connect flow, which
 * updates the PBX origin first).
 */
export function decideRedirect(targetUrl: string, policy: OriginPolicy): NavigationDecision {
  return classifyOrigin(targetUrl, policy) === 'pbx' ? { action: 'allow' } : { action: 'deny', reason: 'redirect leaves the PBX origin' };
}

export type WindowOpenDecision =
  /** Open as a launcher-owned window (same webPreferences, no preload API). */
  | { action: 'popup'; url: string }
  | { action: 'external'; url: string }
  | { action: 'internal'; url: string; scheme: 'tel' | 'sip' | 'im' }
  | { action: 'deny'; reason: string };

/**
 * `window.open` / target=_blank (`setWindowOpenHandler`). A PBX page may open a PBX-origin
 * popup (app windows); links to elsewhere go to the OS browser; everything else is denied.
 */
export function decideWindowOpen(targetUrl: string, openerUrl: string | undefined, policy: OriginPolicy): WindowOpenDecision {
  const target = classifyOrigin(targetUrl, policy);
  const opener = classifyOrigin(openerUrl, policy);
  if (target === 'pbx' && opener === 'pbx') return { action: 'popup', url: targetUrl };
  if (target) return { action: 'deny', reason: `window of ${target} page from ${opener ?? 'untrusted'} page refused` };
  return decideExternalLink(targetUrl);
}

/** Where the decisions of this module go (Electron's shell, the URI handler, a new window). */
export interface DecisionRoutes {
  /** An external link, already vetted (http/https/mailto): the default browser. */
  openExternal(url: string): void;
  /**
   * tel:/sip:/im: links clicked or opened inside pages: content, never the OS, so the user
   * confirms them before anything is dialled (electron/windows/link-confirm.ts). `fromUrl`: the
   * URL of the frame that asked, where Electron says which one; undefined: unknown (untrusted).
   */
  onInternalLink(url: string, fromUrl: string | undefined): void;
  /** A launcher-owned window for a page of the PBX (window.open through lib1's hook). */
  openPopup?(url: string): void;
  logger: { warn(message: string, data?: Record<string, unknown>): void };
}

/**
 * Carries out a refused navigation's or window.open's decision; `what` names it in the warning,
 * `fromUrl` is the requesting frame's URL where known (shown when the user confirms a link).
 */
export function routeDecision(decision: NavigationDecision | WindowOpenDecision, what: string, url: string, r: DecisionRoutes, fromUrl?: string): void {
  if (decision.action === 'external') r.openExternal(decision.url);
  else if (decision.action === 'internal') r.onInternalLink(decision.url, fromUrl);
  else if (decision.action === 'popup') r.openPopup?.(decision.url);
  else if (decision.action === 'deny') r.logger.warn(`${what} refused`, { url: linkForTrace(url), reason: decision.reason });
}

/** Certificate errors are refused, except a fingerprint pinned on the command line (demo/test). */
export function decideCertificateError(url: string, fingerprint: string, pinned: readonly string[]): { allow: boolean; reason: string } {
  if (pinned.length > 0 && pinned.includes(fingerprint)) return { allow: true, reason: 'fingerprint pinned with --trust-certificate' };
  return { allow: false, reason: `certificate of ${webOrigin(url) ?? '(invalid url)'} not trusted` };
}
