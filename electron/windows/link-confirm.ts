/**
 * The confirmation of links from page content (issue 12, window-open-links; docs/security.md),
 * Electron-free: a tel:/sip:/im:/callto: link that a page opens (window.open, a navigation of any
 * frame, lib1's window.open hook) is shown in a small launcher dialog (link-confirm.html) with the
 * number or address it would dial and the origin of the frame that asked ("An unknown page" when
 * Electron does not say); only "Call" hands it to the link service. Links from the OS (command
 * line, second instance, open-url, the Linux forwarder) do not come through here.
 *
 * Bounded: at most `maxPending` links wait (more are dropped with a warning, so a page cannot
 * stack up dialogs), the same link from the same origin waits once, an unanswered question is
 * cancelled after `timeoutMs`, closing the window cancels every waiting link. Only the dialog's
 * own window can read or answer it.
 */
import type { PreloadResponse } from '../../common/preload';
import { linkConfirmView, type LinkConfirmView } from '../../common/link-confirm';
import { english, type Translator } from '../../common/i18n';
import { linkForTrace } from '../../common/links';
import type { PreloadHandlers } from '../security';
import type { Logger } from '../platform';
import type { DialogHost } from './ports';
import { QueueDialog } from './dialogs';

export interface LinkConfirmOptions {
  dialogs: DialogHost;
  logger: Logger;
  productName: string;
  /** The user's language for the window title (common/i18n; English when not given). */
  words?: Translator;
  /** The user confirmed: hand the link to the link service (`origin` for its trace). */
  dial(link: string, origin: string): void;
  /** How long a question waits for the user [2 min]. */
  timeoutMs?: number;
  /** Links waiting at most [5]. */
  maxPending?: number;
}

export interface LinkConfirm {
  /** A link from page content; `fromUrl` is the URL of the frame that asked, if Electron says. */
  ask(link: string, fromUrl: string | undefined): void;
  readonly handlers: PreloadHandlers;
  /** Links waiting (tests, traces). */
  readonly pending: number;
}

interface Waiting {
  link: string;
  view: LinkConfirmView;
}

const notThisWindow = 'not the window of this dialog';

export function createLinkConfirm(o: LinkConfirmOptions): LinkConfirm {
  const queue: Waiting[] = [];
  const maxPending = o.maxPending ?? 5;

  const request = (): PreloadResponse<'linkConfirm.getRequest'> => {
    const w = queue[0];
    if (!w) return { pending: false };
    return { pending: true, action: w.view.action, target: w.view.target, ...(w.view.from ? { from: w.view.from } : {}), ...(queue.length > 1 ? { more: queue.length - 1 } : {}) };
  };

  const dialog = new QueueDialog({
    dialogs: o.dialogs,
    spec: { page: 'link-confirm.html', title: (o.words ?? english).t('window.linkConfirm', { product: o.productName }), width: 460, height: 300, modal: true },
    timeoutMs: o.timeoutMs ?? 120_000,
    onTimeout: () => finish(false, 'no answer'),
    onClosedByUser: () => {
      const dropped = queue.splice(0);
      if (dropped.length) o.logger.trace('App', `links: ${dropped.length} page link(s) not confirmed (dialog closed)`);
    },
  });
  const show = () => dialog.show(queue.length ? { event: 'linkConfirmRequest', payload: request() } : undefined);

  const finish = (confirm: boolean, why: string) => {
    const w = queue.shift();
    if (w) {
      const from = w.view.from ?? 'an unknown page';
      if (confirm) {
        o.logger.trace('App', `links: page link from ${from} confirmed by the user`);
        try {
          o.dial(w.link, `page ${from} (confirmed)`);
        } catch (err) {
          o.logger.warn('links: confirmed page link failed', { error: String(err) });
        }
      } else {
        o.logger.trace('App', `links: page link from ${from} not dialled (${why})`);
      }
    }
    show();
  };

  const handlers: PreloadHandlers = {
    'linkConfirm.getRequest': (_req, caller) => {
      if (!dialog.owns(caller.webContentsId)) throw new Error(notThisWindow);
      return request();
    },
    'linkConfirm.answer': ({ confirm }, caller) => {
      if (!dialog.owns(caller.webContentsId)) return { ok: false as const, error: notThisWindow };
      if (!queue.length) return { ok: false as const, error: 'No link is waiting.' };
      finish(confirm, 'cancelled by the user');
      return { ok: true as const };
    },
  };

  return {
    handlers,
    get pending() {
      return queue.length;
    },
    ask(link, fromUrl) {
      const v = linkConfirmView(link, fromUrl);
      if (!v.ok) {
        o.logger.warn(`links: refused a link from a page: ${v.error}`, { link: linkForTrace(link) });
        return;
      }
      if (queue.some((w) => w.link === link && w.view.from === v.view.from)) return;
      if (queue.length >= maxPending) {
        o.logger.warn(`links: more than ${maxPending} page links waiting for confirmation; dropped`, { from: v.view.from ?? 'unknown' });
        return;
      }
      queue.push({ link, view: v.view });
      o.logger.trace('App', `links: page link from ${v.view.from ?? 'an unknown page'} waits for the user's confirmation`);
      if (queue.length === 1) show();
      else dialog.update('linkConfirmRequest', request());
    },
  };
}
