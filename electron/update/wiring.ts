/**
 * Feeds the `com.innovaphone.client` model (provider `@client-<id>`, registered on the local services
 * bus by the web client after login) into the update service: the first model after the provider
 * appears is a 'login', the provider coming back or `connInfo.up` turning true is a 'reconnect',
 * later changes are 'model' updates.
 */
import { Api, webClientEntry } from '../../common/bus';
import type { ApiRouter } from '../bus';
import type { UpdateService, ClientUpdateModel, UpdateTrigger } from './service';

export function feedClientModel(router: ApiRouter, service: UpdateService): () => void {
  const consumer = router.consume(Api.client);
  let present = false;
  let seenBefore = false;
  let up: boolean | undefined;
  const onProviders = (providers: Record<string, { model: Record<string, unknown> }>) => {
    // Only the web client's own @client-<id> (reserved on the bus for the PBX origin), never another provider.
    const entry = webClientEntry(providers);
    if (!entry) {
      present = false;
      return;
    }
    const model = entry.model as ClientUpdateModel & { connInfo?: { up?: unknown } };
    const nowUp = typeof model.connInfo?.up === 'boolean' ? model.connInfo.up : undefined;
    let trigger: UpdateTrigger = 'model';
    if (!present) trigger = seenBefore ? 'reconnect' : 'login';
    else if (up === false && nowUp === true) trigger = 'reconnect';
    present = true;
    seenBefore = true;
    up = nowUp;
    service.onClientModel(model, trigger);
  };
  const off = consumer.onUpdate(onProviders);
  onProviders(consumer.providers());
  return () => {
    off();
    consumer.close();
  };
}
