/**
 * The media engine's Ringer protocol (docs/media-protocol.md): one ringing per app session,
 * built-in tones synthesised with WebAudio (the pattern's on/off cadence), custom .mp3 files
 * played from the relay's /ringtones URL, on the device the app asked for, else the headset
 * ("Ring in headset"), else the default output. Split out of ./engine.ts.
 */
import type { EngineConfig, RingtoneSource } from '../../../common/media';
import { MediaErrorCode } from '../../../common/media';
import { setSink, type Devices } from './devices';
import type { Emit, Msg } from './types';

/** Ringer requests of the app sessions; one ringing per session, notification tones beside it. */
export class Ringer {
  private readonly ringing = new Map<string, Ringing>();

  constructor(
    private readonly emit: Emit,
    private readonly devices: Devices,
    private readonly headsetNames: () => string[],
    private readonly config: () => EngineConfig,
  ) {}

  async onRequest(session: string, msg: Msg): Promise<void> {
    const reply = (m: Record<string, unknown>): void => this.emit('ringer', session, m);
    switch (msg.mt) {
      case 'QueryRingers':
        await this.devices.refresh(false);
        return reply({ mt: 'Ringers', devices: this.devices.all.filter((d) => d.kind === 'ringer') });
      case 'StopRinging':
        this.stop(session);
        return reply({ mt: 'StopRingingResult' });
      case 'StartRinging':
      case 'PlayNotificationTone': {
        const once = msg.mt === 'PlayNotificationTone';
        if (!once) this.stop(session);
        const device = await this.ringerDevice(String(msg.device ?? ''));
        const r = new Ringing(msg.source as RingtoneSource, device, once);
        const ok = once ? 'PlayNotificationToneResult' : 'StartRingingResult';
        try {
          await r.start();
          if (!once) this.ringing.set(session, r);
          reply({ mt: ok, ...(once ? {} : { ringtone: msg.resolved, device }), ...(msg.fallback ? { fallback: true } : {}) });
        } catch (err) {
          r.stop();
          reply({ mt: ok, ...(once ? {} : { ringtone: msg.resolved, device }), error: MediaErrorCode.DEVICE_FAILED, errorText: String(err) });
        }
        return;
      }
    }
  }

  /** Stops the ringing of one session (its app stopped it or went away). */
  stop(session: string): void {
    this.ringing.get(session)?.stop();
    this.ringing.delete(session);
  }

  /** Stops every ringing (the relay connection is gone). */
  stopAll(): void {
    for (const r of this.ringing.values()) r.stop();
    this.ringing.clear();
  }

  snapshot(): Record<string, unknown>[] {
    return [...this.ringing.entries()].map(([session, r]) => ({ session, ...r.snapshot() }));
  }

  /** The device to ring on: the app's choice, else the headset (Ring in headset), else the default. */
  private async ringerDevice(requested: string): Promise<string> {
    if (requested) return requested;
    if (!this.config().ringInHeadset) return '';
    if (this.devices.all.length === 0) await this.devices.refresh(false);
    const names = this.headsetNames().map((n) => n.toLowerCase());
    const out = this.devices.outputs().filter((d) => d.id !== 'default' && d.id !== 'communications');
    const hit =
      out.find((d) => names.some((n) => n && (d.name.toLowerCase().includes(n) || n.includes(d.name.toLowerCase())))) ??
      out.find((d) => /headset|headphone|jabra|epos|sennheiser|poly|plantronics|yealink|snom/i.test(d.name));
    return hit?.id ?? '';
  }
}

/** One ringtone playing: an <audio> element for a URL, a WebAudio cadence for a built-in tone. */
class Ringing {
  private ctx: AudioContext | null = null;
  private audio: HTMLAudioElement | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private cycles = 0;

  constructor(private readonly source: RingtoneSource, readonly device: string, private readonly once: boolean) {}

  async start(): Promise<void> {
    if (this.source.kind === 'url') {
      const a = new Audio(this.source.url);
      a.loop = !this.once;
      this.audio = a;
      if (this.device) await setSink(a, this.device);
      await a.play();
      return;
    }
    const ctx = new AudioContext();
    this.ctx = ctx;
    if (this.device) await setSink(ctx, this.device);
    await ctx.resume();
    this.cycle();
  }

  /** Plays one cadence of the built-in pattern (on/off pairs), then schedules the next. */
  private cycle(): void {
    if (this.stopped || !this.ctx || this.source.kind !== 'builtin') return;
    const p = this.source.pattern;
    const ctx = this.ctx;
    let t = ctx.currentTime + 0.02;
    for (let i = 0; i < p.cadence.length; i += 2) {
      const on = p.cadence[i]! / 1000;
      const gain = ctx.createGain();
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(p.gain / p.freqs.length, t + 0.01);
      gain.gain.setValueAtTime(p.gain / p.freqs.length, t + on - 0.01);
      gain.gain.linearRampToValueAtTime(0, t + on);
      gain.connect(ctx.destination);
      for (const f of p.freqs) {
        const o = ctx.createOscillator();
        o.frequency.value = f;
        o.connect(gain);
        o.start(t);
        o.stop(t + on);
      }
      t += on + (p.cadence[i + 1] ?? 0) / 1000;
    }
    this.cycles++;
    const total = p.cadence.reduce((a, b) => a + b, 0);
    if (!this.once && !p.once) this.timer = setTimeout(() => this.cycle(), total);
    else this.timer = setTimeout(() => this.stop(), total + 50);
  }

  snapshot(): Record<string, unknown> {
    return {
      kind: this.source.kind,
      device: this.device,
      playing: !this.stopped && (this.audio ? !this.audio.paused : this.ctx?.state === 'running'),
      cycles: this.cycles,
      position: this.audio ? this.audio.currentTime : this.ctx?.currentTime ?? 0,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.audio) {
      this.audio.pause();
      this.audio.removeAttribute('src');
      this.audio.load();
    }
    void this.ctx?.close().catch(() => undefined);
  }
}
