/**
 * com.innovaphone.externalapps provider (our own definition, see docs/external-apps.md):
 *   {mt:"GetExternalApps"}              → {mt:"GetExternalAppsResult", apps:[{id,name,startOnAccept}]}
 *   {mt:"StartExternalApp", id?, event?:"ring"|"accept", call:{num,dn,sip|uri,guid|conf}}
 *                                       → {mt:"StartExternalAppResult", started:[id], failed:[{id,error}], skipped:[{id,reason}]}
 * Without id every configured app is considered. An app starts on the event it is configured for
 * ("Start with call acceptance": accept, else ring), once per call (conference id), and only for a
 * call the phone model knows (a `com.innovaphone.phone` provider's `calls[]`, matched by `guid`,
 * else by number or SIP address): the call data passed on is the model's, not the request's
 * (issue 12, externalapps-options). A program's
 * parameters are split into arguments first and then $-substituted (substitute.ts), and the
 * spawner takes an argument array, never a shell line; a URL is built with percent-encoded values
 * and opened in the default browser through the openExternal allow-list.
 */
import * as path from 'node:path';
import type { ApiRouter, ConsumedApi, LocalModule, ProvidedApi, ProviderRequest } from '../bus';
import { Api, webClientEntry } from '../../common/bus';
import type { Logger } from '../platform';
import { validateApps, type ExternalApp } from './config';
import type { ProcessSpawner, UrlOpener } from './ports';
import { buildArgs, buildUrl, isUrlPath, type CallData, type DialPrefixes } from './substitute';

/** When a phone app asks: the call rings (incoming alerting or outgoing dialling), or it was answered. */
export type StartEvent = 'ring' | 'accept';
/** Calls remembered for "once per call" (oldest forgotten first). */
const REMEMBERED_STARTS = 1000;

/** Display name of the module (its providers are `@local-<id>`, new at every start). */
export const EXTERNALAPPS_DN = 'External applications';

export interface ExternalAppsServiceOptions {
  router: ApiRouter;
  logger: Logger;
  spawner: ProcessSpawner;
  /** Opens URL paths in the default browser; without it, URL apps fail with a clear error. */
  opener?: UrlOpener;
  apps?: readonly unknown[];
  /** Dialling prefixes; default: from the com.innovaphone.client model (user.prefix). */
  prefixes?: DialPrefixes;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/**
 * A call of a phone provider's model (id, guid, dir, num, sip, dn, state; innovaphone SDK
 * `web1/com.innovaphone.phone/com.innovaphone.phone.htm`).
 */
interface PhoneCall {
  guid?: string;
  num?: string;
  sip?: string;
  dn?: string;
  state?: string;
}

/** The call of the phone model a request names, or why there is none. */
export function findKnownCall(providers: Record<string, { model?: Record<string, unknown> }>, asked: CallData): { call: CallData } | { error: string } {
  const calls: PhoneCall[] = [];
  for (const p of Object.values(providers)) {
    const list = p?.model?.calls;
    if (!Array.isArray(list)) continue;
    for (const c of list.slice(0, 100)) if (c && typeof c === 'object') calls.push(c as PhoneCall);
  }
  if (!calls.length) return { error: 'the phone has no calls' };
  const live = calls.filter((c) => str(c.state) !== 'Disconnected');
  let found: PhoneCall | undefined;
  if (asked.conf) found = live.find((c) => str(c.guid) === asked.conf);
  else if (asked.num) found = live.find((c) => str(c.num) === asked.num);
  else if (asked.uri) found = live.find((c) => str(c.sip) === asked.uri);
  if (!found) return { error: `no such call in the phone model (${asked.conf ? 'guid' : asked.num ? 'number' : asked.uri ? 'SIP address' : 'no guid, number or address given'})` };
  return { call: { num: str(found.num) ?? '', dn: str(found.dn) ?? '', uri: str(found.sip) ?? '', conf: str(found.guid) ?? '' } };
}

export function callDataFrom(msg: Record<string, unknown>): CallData {
  const c = (msg.call && typeof msg.call === 'object' ? msg.call : msg) as Record<string, unknown>;
  return {
    num: str(c.num) ?? str(c.e164) ?? '',
    dn: str(c.dn) ?? '',
    uri: str(c.uri) ?? str(c.sip) ?? '',
    conf: str(c.conf) ?? str(c.guid) ?? '',
  };
}

export class ExternalAppsService {
  private apps: ExternalApp[] = [];
  private readonly module: LocalModule;
  private readonly provider: ProvidedApi;
  private readonly client?: ConsumedApi;
  /** The phone apps' models: their calls are the only calls apps start for. */
  private readonly phone: ConsumedApi;
  private clientPrefixes: DialPrefixes = {};
  /** `<conf>\0<app id>` of apps already started for a call. */
  private readonly startedFor = new Set<string>();

  constructor(private readonly opts: ExternalAppsServiceOptions) {
    this.setApps(opts.apps ?? []);
    this.module = opts.router.localModule(EXTERNALAPPS_DN);
    this.provider = this.module.provide(Api.externalApps, (req, api) => this.onRequest(req, api), { model: this.model() });
    this.phone = this.module.consume(Api.phone);
    if (!opts.prefixes) {
      this.client = this.module.consume(Api.client);
      const read = (p: Record<string, { model?: Record<string, unknown> }>): void => {
        const user = webClientEntry(p)?.model?.user as { prefix?: Record<string, unknown> } | undefined;
        if (user?.prefix) {
          const pr = user.prefix;
          this.clientPrefixes = { intl: str(pr.intl), ntl: str(pr.ntl), subs: str(pr.subs), area: str(pr.area), country: str(pr.country) };
        }
      };
      read(this.client.providers());
      this.client.onUpdate(read);
    }
  }

  /** The provider name of com.innovaphone.externalapps (`@local-<id>`). */
  get providerName(): string {
    return this.module.id;
  }

  /** Replace the configured apps (settings change). Invalid entries are dropped with a warning. */
  setApps(list: readonly unknown[]): void {
    const { apps, warnings } = validateApps([...list]);
    warnings.forEach((w) => this.opts.logger.warn(`externalapps: ${w}`));
    this.apps = apps;
    this.provider?.setModel(this.model());
  }

  list(): { id: number | string; name: string; startOnAccept: boolean }[] {
    return this.apps.map((a) => ({ id: a.id, name: a.name, startOnAccept: a.startOnAccept }));
  }

  private model(): Record<string, unknown> {
    return { apps: this.list() };
  }

  get prefixes(): DialPrefixes {
    return this.opts.prefixes ?? this.clientPrefixes;
  }

  private async onRequest(req: ProviderRequest, api: ProvidedApi): Promise<void> {
    const mt = req.msg.mt;
    if (mt === 'GetExternalApps') {
      api.send(req, { mt: 'GetExternalAppsResult', apps: this.list() });
      return;
    }
    if (mt === 'StartExternalApp') {
      const id = req.msg.id;
      const event = req.msg.event ?? 'ring';
      if (event !== 'ring' && event !== 'accept') {
        const error = 'event must be "ring" or "accept"';
        api.send(req, { mt: 'StartExternalAppResult', started: [], failed: [{ id: id ?? null, error }], skipped: [] }, error);
        return;
      }
      const targets = id === undefined || id === null ? this.apps : this.apps.filter((a) => String(a.id) === String(id));
      if (targets.length === 0) {
        const error = id === undefined ? 'no external applications configured' : `no external application with id ${String(id)}`;
        api.send(req, { mt: 'StartExternalAppResult', started: [], failed: [{ id: id ?? null, error }], skipped: [] }, error);
        return;
      }
      const known = findKnownCall(this.phone.providers(), callDataFrom(req.msg));
      if ('error' in known) {
        const error = `not started: ${known.error}`;
        this.opts.logger.warn(`externalapps: StartExternalApp refused: ${known.error}`);
        api.send(req, { mt: 'StartExternalAppResult', started: [], failed: targets.map((a) => ({ id: a.id, error })), skipped: [] }, error);
        return;
      }
      const r = await this.start(targets, known.call, event);
      const errorText = r.failed.length ? r.failed.map((f) => f.error).join('; ') : undefined;
      api.send(req, { mt: 'StartExternalAppResult', ...r }, errorText);
      return;
    }
    api.send(req, { mt: `${typeof mt === 'string' ? mt.slice(0, 64) : 'Unknown'}Result`, error: 'unknown request' }, 'unknown request');
  }

  /** Start the apps configured for `event` of a call; says which started, failed (with the reason) or were skipped. */
  async start(apps: readonly ExternalApp[], call: CallData, event: StartEvent = 'ring'): Promise<{
    started: (number | string)[];
    failed: { id: number | string; error: string }[];
    skipped: { id: number | string; reason: string }[];
  }> {
    const started: (number | string)[] = [];
    const failed: { id: number | string; error: string }[] = [];
    const skipped: { id: number | string; reason: string }[] = [];
    for (const app of apps) {
      const when: StartEvent = app.startOnAccept ? 'accept' : 'ring';
      if (when !== event) {
        skipped.push({ id: app.id, reason: when === 'accept' ? 'starts when the call is accepted' : 'starts when the call rings' });
        continue;
      }
      const once = call.conf ? `${call.conf}\u0000${String(app.id)}` : undefined;
      if (once && this.startedFor.has(once)) {
        skipped.push({ id: app.id, reason: 'already started for this call' });
        continue;
      }
      try {
        await this.launch(app, call);
        started.push(app.id);
        if (once) this.remember(once);
      } catch (err) {
        const error = `cannot start "${app.name}": ${err instanceof Error ? err.message : String(err)}`;
        failed.push({ id: app.id, error });
        this.opts.logger.warn(`externalapps: ${error}`);
      }
    }
    return { started, failed, skipped };
  }

  private async launch(app: ExternalApp, call: CallData): Promise<void> {
    if (isUrlPath(app.path)) {
      if (!this.opts.opener) throw new Error('no browser to open URLs on this system');
      await this.opts.opener.openExternal(buildUrl(app.path, call, this.prefixes));
      // the URL carries caller data: not traced
      this.opts.logger.trace('App', `externalapps: opened "${app.name}" in the default browser`);
      return;
    }
    if (!path.isAbsolute(app.path)) throw new Error(`path of "${app.name}" is not absolute: ${app.path}`);
    const args = buildArgs(app.param, call, this.prefixes);
    const { pid } = await this.opts.spawner.spawn(app.path, args);
    // argument values carry caller data: traced as a count only
    this.opts.logger.trace('App', `externalapps: started "${app.name}"`, { pid, argc: args.length });
  }

  private remember(key: string): void {
    this.startedFor.add(key);
    if (this.startedFor.size > REMEMBERED_STARTS) this.startedFor.delete(this.startedFor.values().next().value!);
  }

  close(): void {
    this.module.close();
  }
}
