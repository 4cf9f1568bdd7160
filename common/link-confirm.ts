/**
 * Confirmation of links that come from page content (issue 12, window-open-links): a tel:, sip:,
 * im: or callto: link that a page opens (window.open, a navigation, lib1's window.open hook) is
 * shown to the user before anything is dialled. Links from the OS (command line, second instance,
 * macOS open-url, the handoff of a second start) dial directly as before.
 *
 * What the dialog shows of a link: the action, the parsed target (the number as it will be
 * dialled, or the SIP/IM address without any password) and the origin of the frame that asked,
 * or nothing (the page says "An unknown page", i18n `linkConfirm.unknownPage`) when Electron does
 * not say which frame it was. The words are in common/i18n (`linkConfirm.*`).
 */
import { originOf } from './origin';
import { parseLink } from './links';

export type LinkConfirmAction = 'call' | 'chat';

/** What the dialog shows for one link. */
export interface LinkConfirmView {
  action: LinkConfirmAction;
  /** The number or address as it will be sent (never the raw link). */
  target: string;
  /** Origin of the requesting frame, or undefined: unknown (treated as untrusted). */
  from?: string;
}

/** The view of a link for the dialog, or the reason it cannot be one (the link is then refused). */
export function linkConfirmView(link: string, fromUrl: string | undefined): { ok: true; view: LinkConfirmView } | { ok: false; error: string } {
  const p = parseLink(link);
  if (!p.ok) return { ok: false, error: p.error };
  const msg = p.request.msg as { num?: string; sip?: string };
  const from = fromUrl ? originOf(fromUrl) ?? undefined : undefined;
  return { ok: true, view: { action: p.request.msg.mt === 'StartChat' ? 'chat' : 'call', target: msg.num ?? msg.sip ?? '', ...(from ? { from } : {}) } };
}
