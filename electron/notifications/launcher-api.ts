/**
 * The launcher's own client API, com.innovaphone.launcher (innovaphone SDK
 * web1/com.innovaphone.launcher, doc/reference.htm): one launcher module (`@local-<id>`, display
 * name "myApps") provides it; its requests (AddLocalNotification, …) go to the notification
 * service, and its model carries what the SDK's reference lists for this API: the user-activity
 * state (auto appear offline), popup-window support, the URLs and passwords of the launcher
 * services, touch support and the lock state. innovaphone has not published the model's field
 * names: the names below are ours (docs/local-services.md, "The launcher model").
 */
import type { ApiRouter, ConsumedApi, LocalModule, ProvidedApi, ProviderRequest, ReplyTo } from '../bus';
import { Api } from '../../common/bus';
import type { Logger } from '../platform';
import type { LauncherServicesModel } from './launcher-services';

/** The com.innovaphone.launcher model (every field name ours; see docs/local-services.md). */
export interface LauncherModel {
  /** User activity (auto appear offline): inactive after "Appear offline after" without input, or while the screen is locked. */
  userActivity?: { inactive: boolean };
  /** The launcher opens popup windows (apps' window.open, detached apps). */
  popupWindows?: boolean;
  /** URLs and passwords of the launcher services (Media, Ringer). */
  launcherServices?: LauncherServicesModel['launcherServices'];
  /** A touch screen is attached. */
  touch?: boolean;
  /** The screen is locked. */
  locked?: boolean;
  /** The "Desktop notifications" setting. */
  notifications?: boolean;
  /** The "Autostart video" setting as resolved here (user value, else the PBX's `video`). */
  videoAutostart?: boolean;
}

/** Display name of the launcher module (the providers' title). */
export const LAUNCHER_DN = 'myApps';

export class LauncherApi {
  private readonly module: LocalModule;
  private readonly provider: ProvidedApi;
  private fields: LauncherModel;
  private published = '';
  private readonly requestHandlers = new Set<(req: ProviderRequest) => void | Promise<void>>();
  private readonly closedListeners = new Set<(c: { consumer: string; client?: string }) => void>();

  constructor(router: Pick<ApiRouter, 'localModule'>, private readonly logger: Logger, initial: LauncherModel = {}) {
    this.fields = { ...initial };
    this.module = router.localModule(LAUNCHER_DN);
    this.provider = this.module.provide(Api.launcher, (req) => this.handleRequest(req), { model: { ...this.fields } });
    this.published = JSON.stringify(this.fields);
    this.provider.onConsumerClosed((c) => this.closedListeners.forEach((l) => l(c)));
  }

  /** The provider's name on the bus (`@local-<id>`, new at every start). */
  get providerName(): string {
    return this.module.id;
  }

  model(): LauncherModel {
    return { ...this.fields };
  }

  /** Adds or replaces top-level fields; consumers get an ApiUpdate when the model changed. */
  setModelFields(fields: LauncherModel): void {
    this.fields = { ...this.fields, ...fields };
    const text = JSON.stringify(this.fields);
    if (text === this.published) return;
    this.published = text;
    this.provider.setModel({ ...this.fields });
  }

  /** Requests to com.innovaphone.launcher (the notification service). */
  onRequest(cb: (req: ProviderRequest) => void | Promise<void>): () => void {
    this.requestHandlers.add(cb);
    return () => this.requestHandlers.delete(cb);
  }

  onConsumerClosed(cb: (c: { consumer: string; client?: string }) => void): () => void {
    this.closedListeners.add(cb);
    return () => this.closedListeners.delete(cb);
  }

  /** A result (or unsolicited message) to one consumer of com.innovaphone.launcher. */
  send(to: ReplyTo, msg: Record<string, unknown>, errorText?: string): void {
    this.provider.send(to, msg, errorText);
  }

  /** Consume another API as this module (`@local-<id>`). */
  consume(api: string): ConsumedApi {
    return this.module.consume(api);
  }

  private async handleRequest(req: ProviderRequest): Promise<void> {
    if (this.requestHandlers.size === 0) {
      this.logger.trace('App', `launcher: ${String(req.msg.mt).slice(0, 64)} not handled (no notification service)`);
      return;
    }
    for (const h of this.requestHandlers) await h(req);
  }

  close(): void {
    this.module.close();
  }
}
