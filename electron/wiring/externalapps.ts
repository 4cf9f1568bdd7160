/**
 * External applications started on calls (electron/externalapps, docs/external-apps.md): the
 * list from the configuration, else the settings (user or EXTERNALAPPS), else the MSI JSON.
 */
import { ExternalAppsService, parseExternalAppsJson } from '../externalapps';
import type { Wiring } from './context';

export function wireExternalApps(w: Wiring): ExternalAppsService | undefined {
  const { ports, config, logger } = w;
  if (!ports.spawner) {
    w.skip('externalApps', 'no spawner port');
    return undefined;
  }
  let apps: readonly unknown[] | undefined = w.setting('externalApps', config.externalApps);
  if (!apps) {
    const parsed = parseExternalAppsJson(config.externalAppsJson);
    parsed.warnings.forEach((warning) => logger.warn(`externalapps: ${warning}`));
    apps = parsed.apps;
  }
  const externalApps = new ExternalAppsService({ router: w.router, logger, spawner: ports.spawner, ...(ports.urlOpener ? { opener: ports.urlOpener } : {}), apps });
  w.onClose(() => externalApps.close());
  return externalApps;
}
