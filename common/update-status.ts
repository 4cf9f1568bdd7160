/**
 * The auto update's state in the user's words, one rule for the tray (tooltip and menu line) and
 * the settings page: "Downloading build 137766: 12.3 MB of 80 MB (15 %) · 262 kB/s, 4 min left".
 * The view comes from electron/update (UpdateStatus → UpdateStatusView) over the preload contract.
 */
import type { MessageKey, Translator } from './i18n';

export type UpdateState = 'off' | 'idle' | 'checking' | 'downloading' | 'ready' | 'installing' | 'installed' | 'refused' | 'error';

export interface UpdateStatusView {
  state: UpdateState;
  build?: string;
  received?: number;
  total?: number;
  bytesPerSec?: number;
  /** Why updates are off: a key under update.reason (common/i18n), else the service's text in detail. */
  reasonCode?: string;
  /** Refusal reason or error text (English, from the service). */
  detail?: string;
}

/** Download progress figures: fraction 0…1, rate and seconds left (undefined while unknown). */
export function downloadFigures(v: UpdateStatusView): { fraction: number; secondsLeft?: number } | undefined {
  if (v.state !== 'downloading' || !v.total) return undefined;
  const received = Math.min(v.received ?? 0, v.total);
  const rate = v.bytesPerSec ?? 0;
  return { fraction: received / v.total, ...(rate > 0 ? { secondsLeft: (v.total - received) / rate } : {}) };
}

/** The state as one line (tray tooltip, settings page). */
export function updateStatusText(v: UpdateStatusView, w: Translator): string {
  const build = v.build ?? '';
  switch (v.state) {
    case 'off': {
      const key = `update.reason.${v.reasonCode ?? ''}`;
      return w.t('update.off', { reason: w.has(key) ? w.t(key) : v.detail ?? '' });
    }
    case 'idle':
      return w.t('update.idle');
    case 'checking':
      return w.t('update.checking', { build });
    case 'downloading': {
      const f = downloadFigures(v);
      const head = w.t('update.downloading', { build, received: w.bytes(v.received ?? 0), total: w.bytes(v.total ?? 0), percent: w.percent(f?.fraction ?? 0) });
      const speed = downloadSpeedText(v, w);
      return speed ? `${head} · ${speed}` : head;
    }
    case 'refused':
      return w.t('update.refused', { build, reason: v.detail ?? '' });
    case 'error':
      return w.t('update.error', { error: v.detail ?? '' });
    default:
      return w.t(`update.${v.state}` satisfies MessageKey, { build });
  }
}

/** "262 kB/s, 4 min left" (or just the rate before the time left can be told). */
function downloadSpeedText(v: UpdateStatusView, w: Translator): string {
  const f = downloadFigures(v);
  if (!f || !v.bytesPerSec) return '';
  const rate = w.rate(v.bytesPerSec);
  return f.secondsLeft === undefined ? w.t('update.rateOnly', { rate }) : w.t('update.rate', { rate, left: w.duration(f.secondsLeft) });
}
