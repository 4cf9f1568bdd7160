/**
 * com.innovaphone.externalapps provider (our own definition, see docs/external-apps.md):
 *   {mt:"GetExternalApps"}                         → {mt:"GetExternalAppsResult", apps:[{id,name}]}
 *   {mt:"StartExternalApp", id?, call:{num,dn,sip|uri,guid|conf}}
 *                                                  → {mt:"StartExternalAppResult", started:[id], failed:[{id,error}]}
 * Without id every configured app is started. Parameters are split into arguments first and
 * then $-substituted (substitute.ts); the spawner takes an argument array, never a shell line.
 */
import * as path from 'node:path';
import type { ApiRouter, ConsumedApi, LocalModule, ProvidedApi, ProviderRequest } from '../bus';
import { Api, webClientEntry } from '../../common/bus';
import type { Logger } from '../platform';
import { validateApps, type ExternalApp } from './config';
import type { ProcessSpawner } from './ports';
import { buildArgs, type CallData, type DialPrefixes } from './substitute';

/** Display name of the module (its providers are `@local-<id>`, new at every start). */
export const EXTERNALAPPS_DN = 'External applications';

export interface ExternalAppsServiceOptions {
  router: ApiRouter;
  logger: Logger;
  spawner: ProcessSpawner;
  apps?: readonly unknown[];
  /** Dialling prefixes; default: from the com.innovaphone.client model (user.prefix). */
  prefixes?: DialPrefixes;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
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
  private clientPrefixes: DialPrefixes = {};

  constructor(private readonly opts: ExternalAppsServiceOptions) {
    this.setApps(opts.apps ?? []);
    this.module = opts.router.localModule(EXTERNALAPPS_DN);
    this.provider = this.module.provide(Api.externalApps, (req, api) => this.onRequest(req, api), { model: this.model() });
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

  list(): { id: number | string; name: string }[] {
    return this.apps.map((a) => ({ id: a.id, name: a.name }));
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
      const targets = id === undefined || id === null ? this.apps : this.apps.filter((a) => String(a.id) === String(id));
      if (targets.length === 0) {
        const error = id === undefined ? 'no external applications configured' : `no external application with id ${String(id)}`;
        api.send(req, { mt: 'StartExternalAppResult', started: [], failed: [{ id: id ?? null, error }] }, error);
        return;
      }
      const r = await this.start(targets, callDataFrom(req.msg));
      const errorText = r.failed.length ? r.failed.map((f) => f.error).join('; ') : undefined;
      api.send(req, { mt: 'StartExternalAppResult', ...r }, errorText);
      return;
    }
    api.send(req, { mt: `${typeof mt === 'string' ? mt.slice(0, 64) : 'Unknown'}Result`, error: 'unknown request' }, 'unknown request');
  }

  /** Start apps for a call; returns which started and which failed (with a clear reason each). */
  async start(apps: readonly ExternalApp[], call: CallData): Promise<{ started: (number | string)[]; failed: { id: number | string; error: string }[] }> {
    const started: (number | string)[] = [];
    const failed: { id: number | string; error: string }[] = [];
    for (const app of apps) {
      try {
        if (!path.isAbsolute(app.path)) throw new Error(`path of "${app.name}" is not absolute: ${app.path}`);
        const args = buildArgs(app.param, call, this.prefixes);
        const { pid } = await this.opts.spawner.spawn(app.path, args);
        started.push(app.id);
        // argument values carry caller data: traced as a count only
        this.opts.logger.trace('App', `externalapps: started "${app.name}"`, { pid, argc: args.length });
      } catch (err) {
        const error = `cannot start "${app.name}": ${err instanceof Error ? err.message : String(err)}`;
        failed.push({ id: app.id, error });
        this.opts.logger.warn(`externalapps: ${error}`);
      }
    }
    return { started, failed };
  }

  close(): void {
    this.module.close();
  }
}
