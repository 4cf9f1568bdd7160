/**
 * The media engine's devices (docs/media-protocol.md): the list of microphones, cameras, speakers
 * and ringers (enumerateDevices, DevicesChanged on devicechange), capture from a chosen device
 * (getUserMedia with deviceId constraints and the video size fallbacks, getDisplayMedia for app
 * sharing) and output selection (setSinkId). Split out of ./engine.ts; channels and the ringer
 * use it.
 */
import type { ChannelKind, Device } from '../../../common/media';
import type { Emit } from './types';

/** Video capture: 1920x1080 if available, else 1280x720, 640x480, 352x288, 320x240; 30 fps else 15. */
export const VIDEO_FALLBACKS: { width: number; height: number }[] = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
  { width: 640, height: 480 },
  { width: 352, height: 288 },
  { width: 320, height: 240 },
];

/** The devices the engine last enumerated; DevicesChanged to every session when they change. */
export class Devices {
  private list: Device[] = [];

  constructor(private readonly emit: Emit) {}

  /** The last enumerated list (a new array after every refresh). */
  get all(): Device[] {
    return this.list;
  }

  async refresh(notify: boolean): Promise<void> {
    if (!navigator.mediaDevices?.enumerateDevices) return;
    let list = await navigator.mediaDevices.enumerateDevices();
    if (list.length && list.every((d) => !d.label)) {
      // Labels need a granted capture permission; prime it once (granted by the launcher's handler).
      try {
        const s = await navigator.mediaDevices.getUserMedia({ audio: true });
        s.getTracks().forEach((t) => t.stop());
        list = await navigator.mediaDevices.enumerateDevices();
      } catch {
        /* keep unlabeled list */
      }
    }
    const next: Device[] = [];
    for (const d of list) {
      const base = { id: d.deviceId, name: d.label || d.kind, ...(d.groupId ? { group: d.groupId } : {}), ...(d.deviceId === 'default' ? { default: true } : {}) };
      if (d.kind === 'audioinput') next.push({ ...base, kind: 'mic' });
      else if (d.kind === 'videoinput') next.push({ ...base, kind: 'camera' });
      else if (d.kind === 'audiooutput') next.push({ ...base, kind: 'speaker' }, { ...base, kind: 'ringer' });
    }
    const k = (d: Device): string => `${d.kind}:${d.id}`;
    const before = new Map(this.list.map((d) => [k(d), d]));
    const after = new Map(next.map((d) => [k(d), d]));
    const added = next.filter((d) => !before.has(k(d)));
    const removed = this.list.filter((d) => !after.has(k(d)));
    this.list = next;
    if (notify && (added.length || removed.length)) this.emit('media', '*', { mt: 'DevicesChanged', devices: next, added, removed });
  }

  outputs(): Device[] {
    return this.list.filter((d) => d.kind === 'speaker');
  }
}

/** Captures what a channel of `kind` sends: the microphone, a camera mode, or the shared screen. */
export async function capture(kind: ChannelKind, device: string | undefined): Promise<MediaStream> {
  const md = navigator.mediaDevices;
  if (kind === 'audio') {
    return md.getUserMedia({ audio: { ...(device ? { deviceId: { exact: device } } : {}), echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  }
  if (kind === 'appsharing') {
    // The launcher's display-media handler answers with the source the user picked.
    return md.getDisplayMedia({ video: { width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 30, max: 30 } }, audio: false });
  }
  let lastErr: unknown;
  for (const size of VIDEO_FALLBACKS) {
    for (const fps of [30, 15]) {
      try {
        return await md.getUserMedia({
          video: { ...(device ? { deviceId: { exact: device } } : {}), width: { exact: size.width }, height: { exact: size.height }, frameRate: { min: fps, ideal: fps } },
        });
      } catch (err) {
        lastErr = err;
        if ((err as DOMException).name !== 'OverconstrainedError') throw err;
      }
    }
  }
  throw lastErr ?? new Error('no camera mode');
}

/** Plays `el` on output device `id` ('default': the system's default). */
export async function setSink(el: HTMLMediaElement | AudioContext, id: string): Promise<void> {
  const f = (el as unknown as { setSinkId?: (id: string) => Promise<void> }).setSinkId;
  if (!f) throw new Error('setSinkId not supported');
  await f.call(el, id === 'default' ? '' : id);
}
