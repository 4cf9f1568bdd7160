/**
 * Origin classification: which pages are trusted, and as what. Electron-free.
 *
 * The PBX origin is the origin of the configured web client URL
 * (`https://<host>[:port]`, from the server string). The launcher's own pages are served from
 * `myapps-launcher://pages`. Nothing else is trusted.
 */
import { LAUNCHER_ORIGIN, LAUNCHER_SCHEME, type SenderKind } from '../../common/preload';
import { originOf } from '../../common/origin';

export { LAUNCHER_ORIGIN, LAUNCHER_SCHEME };

/** The trusted origins at one moment (the PBX origin changes when the user changes server). */
export interface OriginPolicy {
  /** Origin of the configured PBX (`https://pbx.example.com:4444`), or null before the first connect. */
  pbxOrigin(): string | null;
  /**
   * Origins of the client's own loopback pages (the media engine page served by the local
   * services server, `http://127.0.0.1:<port>`): media/HID permissions, never the preload API.
   */
  engineOrigins?(): readonly string[];
  /**
   * Origins of App Platforms whose apps the web client loads (the bus Origin allow-list beyond
   * the PBX). They get only the local-network permissions, to reach the launcher services.
   */
  appOrigins?(): readonly string[];
}

/** Is this URL a page of the client's own loopback server (media engine)? */
export function isEngineOrigin(url: string | undefined | null, policy: OriginPolicy): boolean {
  const o = originOf(url);
  return !!o && !!policy.engineOrigins && policy.engineOrigins().includes(o);
}

/** Which kind of trusted page a frame URL belongs to, or null if none. */
export function classifyOrigin(url: string | undefined | null, policy: OriginPolicy): SenderKind | null {
  const origin = originOf(url);
  if (!origin) return null;
  if (origin === LAUNCHER_ORIGIN) return 'launcher';
  const pbx = policy.pbxOrigin();
  if (pbx && origin === pbx) return 'pbx';
  return null;
}

/**
 * Which kind of frame sent a preload call: a top frame as `classifyOrigin` says; a subframe (an
 * app inside the web client) is `app` when its origin is the PBX's or an App Platform's on the
 * allow-list (never the media engine's), else untrusted.
 */
export function classifySender(sender: { url: string | undefined | null; top: boolean }, policy: OriginPolicy): SenderKind | null {
  if (sender.top) return classifyOrigin(sender.url, policy);
  const origin = originOf(sender.url);
  if (!origin || origin === LAUNCHER_ORIGIN || policy.engineOrigins?.().includes(origin)) return null;
  if (origin === policy.pbxOrigin() || (policy.appOrigins?.() ?? []).includes(origin)) return 'app';
  return null;
}

/** A fixed policy (tests, and main while the server does not change). */
export function fixedOriginPolicy(pbxUrlOrOrigin: string | null): OriginPolicy {
  const o = pbxUrlOrOrigin ? originOf(pbxUrlOrOrigin) : null;
  return { pbxOrigin: () => o };
}
