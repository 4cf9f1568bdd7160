/**
 * Feeds the PBX's `adminSettings` (com.innovaphone.client model, provider `@client-<id>`, registered
 * on the local services bus by the web client after login; docs/settings.md) into the settings
 * store. When the provider goes away (PBX unreachable, logout) the last adminSettings stay in
 * force: a PBX outage must not unlock forced settings.
 */
import { Api, webClientEntry } from '../../common/bus';
import type { ApiRouter } from '../bus';
import type { Logger } from '../platform';
import type { SettingsStore } from './store';

export function feedAdminSettings(router: ApiRouter, store: SettingsStore, logger: Logger): () => void {
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
