/** Ports of the user-activity service. */

export type SystemActivityEvent = 'lock' | 'unlock' | 'suspend' | 'resume';

export interface IdleClock {
  /** Seconds since the last keyboard/mouse input; undefined when the system cannot tell (counts as active). */
  idleSeconds(): Promise<number | undefined>;
  /** Screen lock/unlock and suspend/resume, where the platform reports them. */
  onSystemEvent(cb: (e: SystemActivityEvent) => void): () => void;
  close(): void;
}
