/**
 * Links leaving the client (Electron-free): which URLs may go to shell.openExternal, which are
 * our own links (common/links.ts: its schemes, limit and refused characters), and which are
 * refused. Allow-list first; the block-list only sharpens the error message and guards against
 * future allow-list mistakes.
 */
import { linkProblem, linkScheme, LINK_REFUSED_CHARS } from '../../common/links';

/** Schemes handed to the OS (re-serialised by URL before they leave). */
export const EXTERNAL_ALLOWED_SCHEMES: ReadonlySet<string> = new Set(['https:', 'http:', 'mailto:']);
/** Schemes never opened, whatever a configuration says (known attack surface). */
export const BLOCKED_SCHEMES: ReadonlySet<string> = new Set([
  'file:', 'javascript:', 'data:', 'vbscript:', 'blob:', 'about:', 'chrome:', 'devtools:', 'view-source:',
  'smb:', 'nfs:', 'ftp:', 'ldap:', 'jar:', 'search-ms:', 'search:', 'shell:', 'res:', 'its:', 'mk:',
  'ms-msdt:', 'ms-appinstaller:', 'ms-officecmd:', 'ms-excel:', 'ms-word:', 'ms-powerpoint:', 'ms-settings:',
  'ms-cxh:', 'ms-cxh-full:', 'ms-search:', 'ms-help:', 'hcp:', 'x-apple.systempreferences:', 'applescript:',
]);

/** Longest URL handed to the OS browser (web and mail links; our own links are limited by common/links.ts). */
export const MAX_EXTERNAL_URL_LENGTH = 8192;

export type LinkDecision =
  | { action: 'external'; url: string }
  | { action: 'internal'; url: string; scheme: 'tel' | 'sip' | 'im' }
  | { action: 'deny'; reason: string };

/** Decide what to do with a link the user (or a page) wants to open outside the client. */
export function decideExternalLink(raw: string): LinkDecision {
  if (typeof raw !== 'string' || raw.length === 0) return { action: 'deny', reason: 'empty link' };
  const own = linkScheme(raw);
  if (own) {
    // our own link: the URI handler (links service) takes it; callto: is a tel: link, sips: a sip: link
    const problem = linkProblem(raw);
    if (problem) return { action: 'deny', reason: `link ${problem}` };
    return { action: 'internal', url: raw, scheme: own === 'callto' ? 'tel' : own === 'sips' ? 'sip' : own };
  }
  if (raw.length > MAX_EXTERNAL_URL_LENGTH) return { action: 'deny', reason: 'link too long' };
  if (LINK_REFUSED_CHARS.test(raw)) return { action: 'deny', reason: 'control characters in link' };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { action: 'deny', reason: 'not an absolute URL' };
  }
  const scheme = u.protocol.toLowerCase();
  if (BLOCKED_SCHEMES.has(scheme) || scheme.startsWith('ms-')) return { action: 'deny', reason: `scheme ${scheme} is blocked` };
  if (!EXTERNAL_ALLOWED_SCHEMES.has(scheme)) return { action: 'deny', reason: `scheme ${scheme} is not allowed` };
  if ((scheme === 'http:' || scheme === 'https:') && !u.hostname) return { action: 'deny', reason: 'no host' };
  if (u.username || u.password) return { action: 'deny', reason: 'credentials in link' };
  return { action: 'external', url: u.toString() };
}
