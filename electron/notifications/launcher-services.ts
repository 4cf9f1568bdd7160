/**
 * "URLs and passwords for launcher services" (docs/local-services.md): the part of the
 * com.innovaphone.launcher model (the launcher module `@local-<id>`) that tells apps where the Media and Ringer
 * WebSockets are and what to authenticate with. Only bus consumers see it, and the bus is already
 * protected by the Origin allow-list and the same token, so publishing the token there hands it to
 * nobody who did not have it. See docs/media-protocol.md ("How apps find the services").
 */
import { MEDIA_PATH, RINGER_PATH } from '../../common/media';

export interface LauncherServiceEntry {
  /** ws://127.0.0.1:<port>/media (or ws://localhost:… unless DISABLELOCALHOST). */
  url: string;
  /** The password: sent as the `token` query parameter (`url + "?token=" + token`). */
  token: string;
}
export interface LauncherServicesModel {
  launcherServices: { media?: LauncherServiceEntry; ringer?: LauncherServiceEntry };
}

/** Builds the model fields from the local services server's AppClientConfig (bus URL + token). */
export function launcherServicesModel(config: { bus: string; token: string }, services: ('media' | 'ringer')[]): LauncherServicesModel {
  const base = new URL(config.bus);
  const entry = (path: string): LauncherServiceEntry => ({ url: `${base.protocol}//${base.host}${path}`, token: config.token });
  const out: LauncherServicesModel['launcherServices'] = {};
  if (services.includes('media')) out.media = entry(MEDIA_PATH);
  if (services.includes('ringer')) out.ringer = entry(RINGER_PATH);
  return { launcherServices: out };
}
