/**
 * Headset buttons -> phone API (com.innovaphone.phone ConnectCall / DisconnectCall) and call
 * state -> headset LEDs. Pure functions; the relay wires them to the bus.
 */
import type { HookKeyName } from '../../common/media';

/** A call in the com.innovaphone.phone provider model (docs/media-protocol.md). */
export interface PhoneCall {
  id?: number;
  dir?: 'i' | 'o' | string;
  state?: string;
}

const ACTIVE = new Set(['Setup', 'Dialing', 'Ringback', 'Queued', 'Connected']);

/** What a headset key asks the phone app to do, or null when the key means nothing right now. */
export function hookKeyToPhoneRequest(key: HookKeyName, calls: PhoneCall[]): { mt: 'ConnectCall' | 'DisconnectCall' } | null {
  const alerting = calls.some((c) => c.dir === 'i' && c.state === 'Alerting');
  const active = calls.some((c) => c.state !== undefined && (ACTIVE.has(c.state) || c.state === 'Holding' || c.state === 'Held'));
  switch (key) {
    case 'offhook':
      return alerting ? { mt: 'ConnectCall' } : null;
    case 'talk':
      return alerting ? { mt: 'ConnectCall' } : active ? { mt: 'DisconnectCall' } : null;
    case 'onhook':
    case 'disc':
      return active || alerting ? { mt: 'DisconnectCall' } : null;
    default:
      // mute, flash, redial, hold, retrieve: no phone API message; the app gets the HookKey event.
      return null;
  }
}

export interface LedState { offHook: boolean; ring: boolean; mute: boolean; hold: boolean }

/** LEDs for the current calls; mute is the app's/user's state and is passed through. */
export function ledStateFromCalls(calls: PhoneCall[], mute: boolean): LedState {
  const ring = calls.some((c) => c.dir === 'i' && c.state === 'Alerting');
  const offHook = calls.some((c) => c.state !== undefined && ACTIVE.has(c.state));
  const hold = !offHook && calls.some((c) => c.state === 'Holding' || c.state === 'Held');
  return { offHook: offHook || hold, ring, mute: (offHook || hold) && mute, hold };
}

/** Collects the calls of every phone provider's model in a com.innovaphone.phone ApiUpdate. */
export function callsFromProviders(providers: Record<string, { model?: Record<string, unknown> }>): PhoneCall[] {
  const out: PhoneCall[] = [];
  for (const p of Object.values(providers)) {
    const calls = p.model?.calls;
    if (Array.isArray(calls)) for (const c of calls) if (c && typeof c === 'object') out.push(c as PhoneCall);
  }
  return out;
}
