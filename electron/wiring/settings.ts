/**
 * Settings (electron/settings, docs/settings.md): the store the composition root opened, or one
 * opened from files.userData with the managed readers; the PBX's `adminSettings` from the web
 * client's `com.innovaphone.client` model (provider `@client-<id>` on the bus) fed into it. When
 * the provider goes away (PBX unreachable, logout) the last adminSettings stay in force: a PBX
 * outage must not unlock forced settings.
 */
import { Api, webClientEntry } from '../../common/bus';
import type { Logger } from '../platform';
import type { ApiRouter } from '../bus';
import { SettingsStore } from '../settings';
import type { CorePorts, SettingsPorts } from './types';

export async function openSettings(ports: CorePorts & SettingsPorts, logger: Logger): Promise<SettingsStore | string> {
  if (ports.settings) return ports.settings;
  if (!ports.files?.userData) return 'no files.userData port';
  return SettingsStore.open({ userData: ports.files.userData, logger, managed: ports.managedSettings ?? [] });
}

export function feedAdminSettings(router: ApiRouter, store: Pick<SettingsStore, 'setAdminSettings'>, logger: Logger): () => void {
  const consumer = router.consume(Api.client);
  let last = '';
  const onProviders = (providers: Record<string, { model: Record<string, unknown> }>) => {
    // Only the web client's own @client-<id> (reserved on the bus for the PBX origin), never another provider.
    const entry = webClientEntry(providers);
    if (!entry) return;
    const admin = entry.model?.adminSettings;
    const text = JSON.stringify(admin ?? {});
    if (text === last) return;
    last = text;
    logger.trace('App', 'PBX adminSettings received', { keys: admin && typeof admin === 'object' ? Object.keys(admin) : [] });
    store.setAdminSettings(admin ?? {});
  };
  const off = consumer.onUpdate(onProviders);
  onProviders(consumer.providers());
  return () => {
    off();
    consumer.close();
  };
}
