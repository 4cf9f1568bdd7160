/**
 * PowerSaveBlocker (electron/calls/ports.ts) with Electron's powerSaveBlocker: the product's on
 * Windows (SetThreadExecutionState) and macOS (IOPMAssertion). `system` is
 * 'prevent-app-suspension' (no idle sleep), `display` is 'prevent-display-sleep' (the screen stays
 * on, which keeps the system awake too). On Linux the product uses the D-Bus adapter
 * (native/linux/power-save.ts), the one the tests run.
 */
import { powerSaveBlocker } from 'electron';
import type { AwakeHandle, AwakeLevel, PowerSaveBlocker } from '../../electron/calls/ports';

export function createPowerSaveBlocker(): PowerSaveBlocker {
  return {
    async start(level: AwakeLevel): Promise<AwakeHandle> {
      const id = powerSaveBlocker.start(level === 'display' ? 'prevent-display-sleep' : 'prevent-app-suspension');
      if (!powerSaveBlocker.isStarted(id)) throw new Error(`powerSaveBlocker did not start (${level})`);
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (powerSaveBlocker.isStarted(id)) powerSaveBlocker.stop(id);
        },
      };
    },
  };
}
