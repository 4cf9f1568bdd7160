/**
 * Permission table per origin (Electron-free). The PBX origin gets what a softphone needs;
 * the launcher's own pages and every other origin get nothing. Used by
 * session.setPermissionRequestHandler / setPermissionCheckHandler / setDevicePermissionHandler
 * and the `select-hid-device` event in electron/main.ts.
 */
import { classifyOrigin, isEngineOrigin, type OriginPolicy } from './origins';
import { originOf } from '../../common/origin';

/** Chromium's Local Network Access permissions: reaching the launcher's loopback services. */
const LOCAL_NETWORK = ['local-network-access', 'loopback-network', 'local-network'] as const;
/** What apps of other allowed origins (App Platforms) get: reaching the loopback services only. */
export const LOCAL_NETWORK_PERMISSIONS: ReadonlySet<string> = new Set(LOCAL_NETWORK);

/** Permissions granted to the PBX origin (the hosted web client and its same-origin apps). */
export const PBX_PERMISSIONS: ReadonlySet<string> = new Set([
  'media', // microphone/camera (softphone, video)
  'notifications', // web notifications (the launcher API is preferred, but the client may use them)
  'hid', // WebHID headset buttons (telephony usage page), see isHeadsetHidDevice
  'display-capture', // application sharing
  'speaker-selection', // ring in headset: choose the output device
  'fullscreen',
  'clipboard-sanitized-write', // "copy" in the web client
  // Chromium's Local Network Access: a page of the (public or private-network) PBX opening the
  // launcher's loopback services (bus, Media, Ringer) needs these; without them the web client
  // cannot reach the bus once loaded through the app proxy (seen in Chromium 156).
  ...LOCAL_NETWORK,
]);

/** Permissions of the media engine page (our own code on the loopback server). */
export const ENGINE_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'hid', 'display-capture', 'speaker-selection']);

/** Permissions the launcher's own pages may use. */
export const LAUNCHER_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** USB vendor ids of the supported headset makers. */
export const HEADSET_VENDOR_IDS: Readonly<Record<string, number>> = {
  Jabra: 0x0b0e,
  EPOS: 0x1395,
  Poly: 0x047f,
  Snom: 0x251c,
  Yealink: 0x6993,
};
/** HID usage page "Telephony Devices". */
export const TELEPHONY_USAGE_PAGE = 0x0b;

export interface HidDeviceLike {
  vendorId: number;
  productId?: number;
  collections?: { usagePage: number; usage?: number }[];
}

/** A HID device the web client may open: a known headset maker, or any telephony-page device. */
export function isHeadsetHidDevice(device: HidDeviceLike): boolean {
  if (Object.values(HEADSET_VENDOR_IDS).includes(device.vendorId)) return true;
  return (device.collections ?? []).some((c) => c.usagePage === TELEPHONY_USAGE_PAGE);
}

export interface PermissionDecision {
  granted: boolean;
  reason: string;
}

/**
 * Decide a permission request. `origin` is the requesting frame's URL or origin; `mediaTypes`
 * is what a `media` request asks for (audio/video; both are allowed for the PBX).
 */
export function decidePermission(permission: string, requestingUrl: string | undefined, policy: OriginPolicy, opts: { disableHeadsets?: boolean } = {}): PermissionDecision {
  if (isEngineOrigin(requestingUrl, policy)) {
    if (permission === 'hid' && opts.disableHeadsets) return { granted: false, reason: 'headsets disabled (DISABLEHEADSETS)' };
    if (ENGINE_PERMISSIONS.has(permission)) return { granted: true, reason: 'media engine' };
    return { granted: false, reason: `${permission} is not granted to the media engine` };
  }
  const kind = classifyOrigin(requestingUrl, policy);
  if (kind === 'pbx') {
    if (permission === 'hid' && opts.disableHeadsets) return { granted: false, reason: 'headsets disabled (DISABLEHEADSETS)' };
    if (PBX_PERMISSIONS.has(permission)) return { granted: true, reason: 'pbx origin' };
    return { granted: false, reason: `${permission} is not granted to the PBX origin` };
  }
  if (kind === 'launcher') {
    if (LAUNCHER_PERMISSIONS.has(permission)) return { granted: true, reason: 'launcher page' };
    return { granted: false, reason: `${permission} is not granted to launcher pages` };
  }
  const origin = originOf(requestingUrl);
  if (origin && (policy.appOrigins?.() ?? []).includes(origin)) {
    if (LOCAL_NETWORK_PERMISSIONS.has(permission)) return { granted: true, reason: 'app origin: launcher services' };
    return { granted: false, reason: `${permission} is not granted to app origins` };
  }
  return { granted: false, reason: 'origin not trusted' };
}

/** Decide a device permission (setDevicePermissionHandler): only HID headsets, only for the PBX. */
export function decideDevicePermission(deviceType: string, origin: string | undefined, device: HidDeviceLike, policy: OriginPolicy, opts: { disableHeadsets?: boolean } = {}): PermissionDecision {
  if (deviceType !== 'hid') return { granted: false, reason: `${deviceType} devices are not granted` };
  const p = decidePermission('hid', origin, policy, opts);
  if (!p.granted) return p;
  if (!isHeadsetHidDevice(device)) return { granted: false, reason: `HID device ${hex(device.vendorId)}:${hex(device.productId ?? 0)} is not a headset` };
  return { granted: true, reason: 'headset for the pbx origin' };
}

/** `select-hid-device`: pick the first headset from the list (no chooser UI), or none. */
export function selectHidDevice<T extends HidDeviceLike & { deviceId: string }>(devices: T[], frameUrl: string | undefined, policy: OriginPolicy, opts: { disableHeadsets?: boolean } = {}): string | undefined {
  if (!decidePermission('hid', frameUrl, policy, opts).granted) return undefined;
  return devices.find(isHeadsetHidDevice)?.deviceId;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}
