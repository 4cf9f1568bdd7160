/**
 * The update service's status as the launcher pages and the tray see it (common/preload.ts
 * UpdateStatusView, put into words by common/update-status.ts).
 */
import type { UpdateStatusView } from '../../common/update-status';
import type { UpdateStatus } from './service';

export function updateStatusView(s: UpdateStatus): UpdateStatusView {
  switch (s.state) {
    case 'off':
      return { state: 'off', reasonCode: s.code, detail: s.reason.slice(0, 1000) };
    case 'idle':
      return { state: 'idle' };
    case 'downloading':
      return { state: 'downloading', build: s.build, received: s.received, total: s.total, bytesPerSec: s.bytesPerSec };
    case 'refused':
      return { state: 'refused', build: s.build, detail: s.reason.slice(0, 1000) };
    case 'error':
      return { state: 'error', ...(s.build ? { build: s.build } : {}), detail: s.error.slice(0, 1000) };
    default:
      return { state: s.state, build: s.build };
  }
}
