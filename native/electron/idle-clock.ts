/** IdleClock with Electron powerMonitor. */
import { powerMonitor } from 'electron';
import type { IdleClock, SystemActivityEvent } from '../../electron/activity/ports';

const EVENTS: Record<string, SystemActivityEvent> = { 'lock-screen': 'lock', 'unlock-screen': 'unlock', suspend: 'suspend', resume: 'resume' };

export function createIdleClock(): IdleClock {
  const removers: (() => void)[] = [];
  return {
    async idleSeconds() {
      const s = powerMonitor.getSystemIdleTime();
      return Number.isFinite(s) && s >= 0 ? s : undefined;
    },
    onSystemEvent(cb) {
      const hs = Object.entries(EVENTS).map(([ev, kind]) => {
        const h = () => cb(kind);
        powerMonitor.on(ev as 'suspend', h);
        return () => powerMonitor.removeListener(ev as 'suspend', h);
      });
      const off = () => hs.forEach((r) => r());
      removers.push(off);
      return off;
    },
    close() {
      for (const r of removers.splice(0)) r();
    },
  };
}
