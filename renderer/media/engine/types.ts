/**
 * Shapes the parts of the media engine share (./engine.ts and the files it is split into): a
 * request as the relay forwards it, and the one way every part answers, an event to the relay.
 */

/** The two protocols the engine serves (common/media.ts). */
export type Service = 'media' | 'ringer';

/** A Media or Ringer protocol message as the relay forwards it. */
export type Msg = Record<string, unknown> & { mt: string };

/** Sends an event of `service` to one app session ('*': every session) through the relay. */
export type Emit = (service: Service, session: string, msg: Record<string, unknown>) => void;

/** Answers the request being handled (an event to the session that sent it). */
export type Reply = (msg: Record<string, unknown>) => void;
