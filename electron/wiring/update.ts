/**
 * Auto update (electron/update, docs/update.md): the service on the update ports (installer,
 * UI, install facts; electron/wiring/update-product.ts builds them for the running product) with
 * the proxy-aware fetch (never the bare global fetch unless a test passes one). A package
 * verified in an earlier run is installed at start; then the web client's `com.innovaphone.client`
 * model (provider `@client-<id>`) drives it: the first model after the provider appears is a
 * 'login', the provider coming back or `connInfo.up` turning true a 'reconnect', later changes
 * are 'model' updates.
 */
import { Api, webClientEntry } from '../../common/bus';
import type { ApiRouter } from '../bus';
import { UpdateService, type ClientUpdateModel, type UpdateFetch, type UpdateTrigger } from '../update';
import type { Wiring } from './context';

/** The update service and the policy target of the settings reactions. */
export interface UpdatePart {
  service: UpdateService;
  /** updatePolicy / FASTERDOWNLOADS changed: apply, and check the last client model again. */
  setPolicy(p: { adminDisabled: boolean; fasterDownloads: boolean }): void;
}

export async function wireUpdate(w: Wiring, proxyFetch: UpdateFetch | undefined): Promise<UpdatePart | undefined> {
  const u = w.ports.update;
  const fetchFn = u?.fetch ?? proxyFetch;
  if (!u || !fetchFn) {
    w.skip('update', 'no update ports (ui, installer) or no fetch (proxyFetch)');
    return undefined;
  }
  const service = new UpdateService({ ...u, fetch: fetchFn, logger: u.logger ?? w.logger });
  await service.start(); // a package verified in an earlier run is installed now (docs/update.md)
  const feed = feedClientModel(w.router, service);
  w.onClose(() => {
    feed.stop();
    service.dispose();
  });
  return {
    service,
    setPolicy(p) {
      service.setPolicy(p);
      if (!p.adminDisabled) feed.replay();
    },
  };
}

export function feedClientModel(router: ApiRouter, service: Pick<UpdateService, 'onClientModel'>): { stop(): void; replay(): void } {
  const consumer = router.consume(Api.client);
  let present = false;
  let seenBefore = false;
  let up: boolean | undefined;
  let last: ClientUpdateModel | undefined;
  const onProviders = (providers: Record<string, { model: Record<string, unknown> }>) => {
    // Only the web client's own @client-<id> (reserved on the bus for the PBX origin), never another provider.
    const entry = webClientEntry(providers);
    if (!entry) {
      present = false;
      return;
    }
    const model: ClientUpdateModel & { connInfo?: { up?: unknown } } = entry.model;
    const nowUp = typeof model.connInfo?.up === 'boolean' ? model.connInfo.up : undefined;
    let trigger: UpdateTrigger = 'model';
    if (!present) trigger = seenBefore ? 'reconnect' : 'login';
    else if (up === false && nowUp === true) trigger = 'reconnect';
    present = true;
    seenBefore = true;
    up = nowUp;
    last = model;
    service.onClientModel(model, trigger);
  };
  const off = consumer.onUpdate(onProviders);
  onProviders(consumer.providers());
  return {
    stop() {
      off();
      consumer.close();
    },
    replay() {
      if (present && last) service.onClientModel(last, 'model');
    },
  };
}
