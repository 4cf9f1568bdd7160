/**
 * The Media and Ringer protocols (launcher services, docs/media-protocol.md), declared once and
 * shared by the main-process relay (electron/media), the media engine running in Chromium
 * (renderer/media) and the tests. Every message is one JSON object in a WebSocket text frame.
 *
 * Only `AllocChannel` and `StartRinging` are public innovaphone messages. Media descriptions are
 * innovaphone's published Signal `channels` object with `channels_cmd` (Signal.htm), so a softphone
 * passes what the PBX sends unchanged; the remaining messages are ours, after the public C++ media
 * model (FAULT_CODE_RTP error codes; device and hook-key model). docs/media-protocol.md describes
 * every message and marks each field published or ours.
 *
 * Three WebSocket endpoints on the local services server (same token + Origin checks as /bus):
 *   /media         apps (the softphone) <-> launcher: Media protocol
 *   /ringer        apps <-> launcher: Ringer protocol
 *   /media-engine  the media engine (hidden renderer) <-> relay: Engine link (EngineHello first)
 */
import { z } from 'zod';

export const MEDIA_PROTOCOL_VERSION = 1;
export const MEDIA_PATH = '/media';
export const RINGER_PATH = '/ringer';
export const MEDIA_ENGINE_PATH = '/media-engine';
/** HTTP route serving the engine page and bundle. */
export const MEDIA_ENGINE_PAGE_PATH = '/media-engine-page';
/** HTTP route serving custom ring tones (`/ringtones/<file>.mp3`). */
export const RINGTONES_HTTP_PATH = '/ringtones';
/** The viewer page an app embeds (iframe) to show a channel's remote video/appsharing (docs/media-protocol.md, "Viewing remote video"). */
export const MEDIA_VIEW_PAGE_PATH = '/media/view';
/** A viewer SDP (loopback RTCPeerConnection between engine and viewer page) is at most this long. */
export const MEDIA_VIEW_MAX_SDP = 32 * 1024;
/** Largest Media/Ringer frame accepted, bytes. */
export const MEDIA_MAX_FRAME_BYTES = 256 * 1024;

/** FAULT_CODE_RTP (0x00050000) + n, from the public media interface. */
export const FAULT_CODE_RTP = 0x00050000;
export const MediaErrorCode = {
  NO_MEDIA_DATA: FAULT_CODE_RTP + 1,
  EXCESSIVE_LOSS: FAULT_CODE_RTP + 2,
  WRONG_PAYLOAD_TYPE: FAULT_CODE_RTP + 3,
  STUN_FAILED: FAULT_CODE_RTP + 4,
  SRTP_AUTH_FAILED: FAULT_CODE_RTP + 5,
  SRTCP_AUTH_FAILED: FAULT_CODE_RTP + 6,
  STUN_DNS_FAILED: FAULT_CODE_RTP + 7,
  ICE_FAILED: FAULT_CODE_RTP + 8,
  DTLS_SRTP_FAILED: FAULT_CODE_RTP + 9,
  RECORDING_FAILED: FAULT_CODE_RTP + 10,
  /** Ours (not in the public list): bad request, unknown channel, device or engine problems. */
  BAD_REQUEST: FAULT_CODE_RTP + 0x100,
  UNKNOWN_CHANNEL: FAULT_CODE_RTP + 0x101,
  DEVICE_FAILED: FAULT_CODE_RTP + 0x102,
  NO_ENGINE: FAULT_CODE_RTP + 0x103,
  SDP_FAILED: FAULT_CODE_RTP + 0x104,
} as const;

/** Hook keys of the public device layer (KEY_*), used in HookKey events. */
export const HookKeyCode = {
  EHS_TALK: 0x81,
  EHS_FLASH: 0x82,
  EHS_REDIAL: 0x83,
  DISC: 0x8e,
  MIC: 0x8f,
  OFFHOOK: 0x93,
  ONHOOK: 0x94,
  RETRIEVE: 0xfc,
  HOLD: 0xfd,
  INCALL: 0xfe,
} as const;
export type HookKeyName = 'offhook' | 'onhook' | 'mute' | 'flash' | 'redial' | 'talk' | 'hold' | 'retrieve' | 'disc';
export const HOOK_KEY_CODES: Record<HookKeyName, number> = {
  offhook: HookKeyCode.OFFHOOK,
  onhook: HookKeyCode.ONHOOK,
  mute: HookKeyCode.MIC,
  flash: HookKeyCode.EHS_FLASH,
  redial: HookKeyCode.EHS_REDIAL,
  talk: HookKeyCode.EHS_TALK,
  hold: HookKeyCode.HOLD,
  retrieve: HookKeyCode.RETRIEVE,
  disc: HookKeyCode.DISC,
};

/** Headset vendors granted WebHID access (plus any device exposing the telephony page). */
export const HEADSET_VENDOR_IDS = { jabra: 0x0b0e, epos: 0x1395, poly: 0x047f, snom: 0x251c, yealink: 0x6993 } as const;

/** RTP port ranges of the original client (docs/media-protocol.md, also for what Chromium honours). */
export const RTP_PORT_RANGES = { audio: { min: 50000, max: 50099 }, video: { min: 50100, max: 50199 } } as const;

// ---- shared pieces ------------------------------------------------------------------------

const channelId = z.string().min(1).max(200);
const shortText = z.string().max(200);

/** RTCIceServer-like (AllocChannel.iceServers). */
export const IceServerSchema = z.object({
  urls: z.union([z.string().max(500), z.array(z.string().max(500)).max(10)]),
  username: z.string().max(500).optional(),
  credential: z.string().max(500).optional(),
  credentialType: z.literal('password').optional(),
});
export type IceServer = z.infer<typeof IceServerSchema>;

export const ChannelKindSchema = z.enum(['audio', 'video', 'appsharing']);
export type ChannelKind = z.infer<typeof ChannelKindSchema>;

// ---- innovaphone's Signal `channels` (Signal.htm, "Channel Objects"; docs/media-protocol.md) ------

/**
 * Coder names of the Signal `Channel.coder` (published), then ours for what SDP negotiates that
 * the published list has no name for: VP9, DTMF (telephone-event), CN, RED, RTX.
 */
export const PUBLISHED_CODERS = [
  'G711A', 'G711u', 'G723-53', 'G723-63', 'G729', 'G729A', 'G729B', 'G729AB', 'T38UDP', 'G722', 'XPARENT', 'H264', 'JRFB', 'OPUS-NB', 'OPUS-WB', 'VP8',
] as const;
export const OUR_CODERS = ['VP9', 'DTMF', 'CN', 'RED', 'RTX'] as const;
export const CoderNameSchema = z.enum([...PUBLISHED_CODERS, ...OUR_CODERS]);
export type CoderName = z.infer<typeof CoderNameSchema>;

/** The media of a Signal `channels` object: the prefix of its `<media>_ice`, `_rtcp_mux`, `_setup_role` properties. */
export type SignalMedia = 'audio' | 'video' | 'collab' | 't38';
/** Which `channels` block a Media protocol channel uses: appsharing is the `collab` media, sent as a video stream. */
export const MEDIA_OF_KIND: Record<ChannelKind, Exclude<SignalMedia, 't38'>> = { audio: 'audio', video: 'video', appsharing: 'collab' };

const port = z.number().int().min(0).max(65535);
/**
 * Text that the engine writes into an SDP line (addresses, ICE credentials, fmtp): no control
 * characters, so that a peer's value cannot end the line and add SDP lines of its own (found by
 * reliability.fuzz_cases); `word`: no white space either.
 */
const sdpText = (max: number) => z.string().max(max).regex(/^\P{Cc}*$/u, 'no control characters');
const sdpWord = (max: number) => z.string().max(max).regex(/^[^\p{Cc}\s]*$/u, 'no white space or control characters');
export const ChannelsCmdSchema = z.enum(['NONE', 'PROPOSAL', 'SELECT', 'REQUEST', 'CLOSE']);
export type ChannelsCmd = z.infer<typeof ChannelsCmdSchema>;
export const SetupRoleSchema = z.enum(['active', 'passive', 'actpass', 'holdconn']);
/** Ours: the SDP direction of a media (Signal has none); absent = sendrecv. */
export const MediaDirectionSchema = z.enum(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** An ICE candidate of a Signal ICE object. `type` values and the default priority are ours (Signal.htm leaves them open). */
export const SignalCandidateSchema = z.object({
  addr: sdpWord(100).min(1),
  r_addr: sdpWord(100).optional(),
  rtp: port,
  rtcp: port.optional(),
  r_rtp: port.optional(),
  r_rtcp: port.optional(),
  rtp_prio: z.number().int().min(0).max(0xffffffff).optional(),
  rtcp_prio: z.number().int().min(0).max(0xffffffff).optional(),
  type: z.enum(['host', 'srflx', 'prflx', 'relay']).optional(),
  /** RFC 8839 ice-chars. */
  foundation: z.string().regex(/^[A-Za-z0-9+/]{1,32}$/, '1 to 32 letters, digits, + or /').optional(),
});
export type SignalCandidate = z.infer<typeof SignalCandidateSchema>;

/** Signal ICE object: `fingerprint` is the DTLS certificate fingerprint as a hex string (the hash algorithm follows from its length). */
export const SignalIceSchema = z.object({
  lite: z.boolean().optional(),
  fingerprint: z.string().regex(/^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){15,63}$/, 'hex string of 16 to 64 bytes').optional(),
  usr: sdpWord(256).min(1).optional(),
  pwd: sdpWord(256).min(1).optional(),
  candidate: z.array(SignalCandidateSchema).max(100).optional(),
});
export type SignalIce = z.infer<typeof SignalIceSchema>;

/** SRTP key for when no DTLS can be done (published; Chromium cannot use it, docs/media-protocol.md). */
export const SignalKeySchema = z.object({
  tag: z.number().int().min(0).max(0xffffffff).optional(),
  mode: z.string().max(100).optional(),
  mki: z.union([z.number(), z.string().max(100)]).optional(),
  mki_len: z.number().int().min(0).max(255).optional(),
  b: z.string().max(400).optional(),
});

/**
 * One `ch` entry. Published: coder, number, xmit, rate (receive packetisation, ms), addr/port,
 * mc_addr/mc_port, pt, flags. Ours: `media` (which media the entry belongs to; needed when video
 * and appsharing both carry video coders), `clock` (RTP clock when not the coder's usual one, e.g.
 * telephone-event/48000) and `fmtp` (SDP format parameters, verbatim). `coder` stays a string: an
 * unknown coder is not an error, the engine just cannot use it. "VPB" (Signal.htm's spelling in
 * one copy) is read as VP8.
 */
export const SignalChannelSchema = z.object({
  coder: z.string().min(1).max(40).transform((c) => (c === 'VPB' ? 'VP8' : c)),
  number: z.number().int().optional(),
  xmit: z.number().int().min(0).max(1000).optional(),
  rate: z.number().int().min(0).max(1000).optional(),
  addr: sdpWord(100).optional(),
  port: port.optional(),
  mc_addr: sdpWord(100).optional(),
  mc_port: port.optional(),
  pt: z.number().int().min(0).max(127).optional(),
  flags: z.union([z.number(), z.string().max(100)]).optional(),
  media: z.enum(['audio', 'video', 'collab', 't38']).optional(),
  clock: z.number().int().positive().max(1_000_000).optional(),
  fmtp: sdpText(1000).optional(),
});
export type SignalChannel = z.infer<typeof SignalChannelSchema>;

/** The Signal `Channels` object: a complete media description of a call (PROPOSAL = offer, SELECT = answer). */
export const ChannelsSchema = z.object({
  source: z.enum(['LOCAL', 'REMOTE', 'RELAY', 'H323', 'H323EFC', 'SKINNY', 'SIP']).optional(),
  id: z.number().int().min(0).optional(),
  guid: z.string().regex(/^[0-9A-Fa-f]{32}$/).optional(),
  key: SignalKeySchema.optional(),
  audio_rtcp_mux: z.boolean().optional(),
  t38_rtcp_mux: z.boolean().optional(),
  video_rtcp_mux: z.boolean().optional(),
  collab_rtcp_mux: z.boolean().optional(),
  audio_setup_role: SetupRoleSchema.optional(),
  t38_setup_role: SetupRoleSchema.optional(),
  video_setup_role: SetupRoleSchema.optional(),
  collab_setup_role: SetupRoleSchema.optional(),
  audio_ice: SignalIceSchema.optional(),
  t38_ice: SignalIceSchema.optional(),
  video_ice: SignalIceSchema.optional(),
  collab_ice: SignalIceSchema.optional(),
  ch: z.array(SignalChannelSchema).max(64).optional(),
  /** Ours (absent = sendrecv). */
  audio_direction: MediaDirectionSchema.optional(),
  video_direction: MediaDirectionSchema.optional(),
  collab_direction: MediaDirectionSchema.optional(),
});
export type Channels = z.infer<typeof ChannelsSchema>;

export const DeviceKindSchema = z.enum(['mic', 'speaker', 'camera', 'ringer']);
export type DeviceKind = z.infer<typeof DeviceKindSchema>;
export const DeviceSchema = z.object({
  id: z.string().max(500),
  kind: DeviceKindSchema,
  name: z.string().max(500),
  group: z.string().max(500).optional(),
  /** True for the system default of its kind. */
  default: z.boolean().optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

export const HeadsetSchema = z.object({
  id: z.string().max(200),
  name: z.string().max(500),
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  /** LEDs the device exposes. */
  leds: z.array(z.enum(['offHook', 'ring', 'mute', 'hold', 'microphone'])),
});
export type Headset = z.infer<typeof HeadsetSchema>;

export const ChannelStateSchema = z.enum(['new', 'checking', 'connected', 'disconnected', 'failed', 'closed']);

// ---- Media protocol: app -> launcher --------------------------------------------------------

export const AllocChannelSchema = z.object({
  mt: z.literal('AllocChannel'),
  channel: channelId,
  iceServers: z.array(IceServerSchema).max(20).default([]),
  stunSlow: z.union([z.boolean(), z.string().max(20)]).optional(),
  /** Echoed; the public example uses "RemoteRtp". */
  type: shortText.optional(),
  kind: ChannelKindSchema.default('audio'),
  dn: shortText.optional(),
  /** Coder names in order of preference; codecs not listed are not offered. Default: all of the kind. */
  codecs: z.array(CoderNameSchema).max(16).optional(),
  direction: z.enum(['sendrecv', 'sendonly', 'recvonly']).default('sendrecv'),
  /** Capture device (microphone/camera id from Devices); default device when absent. */
  device: z.string().max(500).optional(),
  /** Playout device (speaker id) for audio channels. */
  speaker: z.string().max(500).optional(),
  /**
   * Record this (audio) channel: both directions as a pcap of RTP, uploaded with HTTP PUT to
   * `url` (a folder; PBX or softphone "Recording URL", optional WebDAV credentials). `on: false`
   * prepares the recording but starts paused (user in-call control: SetRecording).
   */
  recording: z
    .object({
      url: z.string().max(2000).regex(/^https?:\/\//i, 'http or https URL'),
      username: z.string().max(200).optional(),
      password: z.string().max(200).optional(),
      /** File name stem (e.g. the call's guid); sanitised. */
      name: z.string().max(200).optional(),
      on: z.boolean().default(true),
    })
    .optional(),
});
export const CreateOfferSchema = z.object({ mt: z.literal('CreateOffer'), channel: channelId, iceRestart: z.boolean().optional() });
/**
 * The peer's `channels_cmd` + `channels` for this channel (Signal semantics): PROPOSAL = the peer's
 * offer (the engine answers with a SELECT), SELECT = the peer's answer to our offer, REQUEST = the
 * peer asks for a new offer (the engine sends a PROPOSAL), CLOSE = the channel's media is closed,
 * NONE = nothing to negotiate. `channels` may be the whole object of the call: the channel takes the
 * block of its own media (MEDIA_OF_KIND) and the `ch` entries of that media.
 */
export const RemoteDescriptionSchema = z
  .object({
    mt: z.literal('RemoteDescription'),
    channel: channelId,
    channels_cmd: ChannelsCmdSchema,
    channels: ChannelsSchema.optional(),
  })
  .refine((m) => (m.channels_cmd !== 'PROPOSAL' && m.channels_cmd !== 'SELECT') || m.channels !== undefined, { message: 'PROPOSAL and SELECT need channels', path: ['channels'] });
/** A late candidate of the peer (ours: Signal sends complete `channels`; trickle is optional). */
export const RemoteCandidateSchema = z.object({
  mt: z.literal('RemoteCandidate'),
  channel: channelId,
  candidate: SignalCandidateSchema.optional(),
  /** End of the peer's candidates. */
  end: z.boolean().optional(),
});
export const SendDtmfSchema = z.object({
  mt: z.literal('SendDtmf'),
  channel: channelId,
  digits: z.string().min(1).max(100).regex(/^[0-9A-D#*,]+$/),
  duration: z.number().int().min(40).max(6000).optional(),
});
export const SetMuteSchema = z.object({ mt: z.literal('SetMute'), channel: channelId.optional(), mic: z.boolean() });
export const SetChannelDeviceSchema = z.object({
  mt: z.literal('SetChannelDevice'),
  channel: channelId,
  device: z.string().max(500).optional(),
  speaker: z.string().max(500).optional(),
});
export const GetStatsSchema = z.object({ mt: z.literal('GetStats'), channel: channelId });
/** User in-call control of recording: pause (on:false) and resume (on:true). */
export const SetRecordingSchema = z.object({ mt: z.literal('SetRecording'), channel: channelId, on: z.boolean() });
export const CloseChannelSchema = z.object({ mt: z.literal('CloseChannel'), channel: channelId });
export const QueryDevicesSchema = z.object({ mt: z.literal('QueryDevices') });
export const QueryHeadsetsSchema = z.object({ mt: z.literal('QueryHeadsets') });
/** Drive headset LEDs from call state; an absent field keeps its last value. */
export const SetHeadsetStateSchema = z.object({
  mt: z.literal('SetHeadsetState'),
  device: z.string().max(200).optional(),
  offHook: z.boolean().optional(),
  ring: z.boolean().optional(),
  mute: z.boolean().optional(),
  hold: z.boolean().optional(),
});

/** Owner of a video/appsharing channel asks for a viewer URL (one-time ticket) for it. */
export const CreateViewSchema = z.object({ mt: z.literal('CreateView'), channel: channelId });
/** Sent by the viewer page (its own /media session): opens the view the ticket names. */
export const OpenViewSchema = z.object({ mt: z.literal('OpenView'), ticket: z.string().min(16).max(100) });
/** Viewer page -> engine: the answer to ViewOffer (candidates other than loopback are dropped). */
export const ViewAnswerSchema = z.object({ mt: z.literal('ViewAnswer'), view: z.string().min(1).max(100), sdp: z.string().min(10).max(MEDIA_VIEW_MAX_SDP) });
export const CloseViewSchema = z.object({ mt: z.literal('CloseView'), view: z.string().min(1).max(100) });

export const MediaAppMessageSchema = z.discriminatedUnion('mt', [
  CreateViewSchema,
  OpenViewSchema,
  ViewAnswerSchema,
  CloseViewSchema,
  AllocChannelSchema,
  CreateOfferSchema,
  RemoteDescriptionSchema,
  RemoteCandidateSchema,
  SendDtmfSchema,
  SetMuteSchema,
  SetChannelDeviceSchema,
  GetStatsSchema,
  CloseChannelSchema,
  SetRecordingSchema,
  QueryDevicesSchema,
  QueryHeadsetsSchema,
  SetHeadsetStateSchema,
]);
export type MediaAppMessage = z.infer<typeof MediaAppMessageSchema>;
export type AllocChannel = z.infer<typeof AllocChannelSchema>;

// ---- Media protocol: launcher -> app --------------------------------------------------------

export interface AllocChannelResult {
  mt: 'AllocChannelResult';
  channel: string;
  type?: string;
  kind: ChannelKind;
  /** Video/appsharing senders: what the camera or screen capture delivers. */
  capture?: { width: number; height: number; frameRate: number };
  error?: number;
  errorText?: string;
}
/** Our offer (PROPOSAL) or answer (SELECT): `channels` holds this channel's media only, candidates gathered so far included. */
export interface LocalDescription { mt: 'LocalDescription'; channel: string; channels_cmd: 'PROPOSAL' | 'SELECT'; channels: Channels }
export interface RemoteDescriptionResult { mt: 'RemoteDescriptionResult'; channel: string }
/** A candidate found after the LocalDescription was sent, or `end` (ours). */
export interface LocalCandidate { mt: 'LocalCandidate'; channel: string; candidate?: SignalCandidate; end?: boolean }
export interface ChannelStateEvent {
  mt: 'ChannelState';
  channel: string;
  state: z.infer<typeof ChannelStateSchema>;
  /** Selected coder once media flows. */
  coder?: CoderName;
}
export interface ChannelError { mt: 'ChannelError'; channel?: string; code: number; errorText: string; src?: string }
export interface StatsResult {
  mt: 'Stats';
  channel: string;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  packetsLost: number;
  /** Seconds. */
  jitter: number;
  /** Seconds, from RTCP (0 until known). */
  roundTrip: number;
  /** 0..1, audio channels only. */
  audioLevel?: number;
  framesDecoded?: number;
  /** Video: size and rate of the frames received. */
  frameWidth?: number;
  frameHeight?: number;
  framesPerSecond?: number;
  /** Audio: total energy received (for "audio flows" checks). */
  audioEnergy?: number;
  /** Video senders: frames encoded so far and why the encoder is held back (`none`, `cpu`, `bandwidth`; ours). */
  framesEncoded?: number;
  qualityLimitation?: string;
  /**
   * Ours: when the channel's setup steps happened, ms after AllocChannel reached the engine
   * (`allocAt`, epoch ms): captured, described, remote, iceChecking, iceConnected, connected
   * (DTLS done), firstPacket (renderer/media/engine/channel.ts, ChannelStep).
   */
  timeline?: { allocAt: number } & Record<string, number>;
  coder?: CoderName;
}
/**
 * `stopped`: the capture ended outside the app — the user pressed Stop in the launcher's sharing
 * window, or the shared screen/window or camera went away (the track ended).
 */
export interface ChannelClosed { mt: 'ChannelClosed'; channel: string; reason: 'closed' | 'session' | 'engine' | 'failed' | 'stopped' }
export interface DtmfResult { mt: 'SendDtmfResult'; channel: string; error?: number; errorText?: string }
export interface SetMuteResult { mt: 'SetMuteResult'; mic: boolean }
export interface SetChannelDeviceResult { mt: 'SetChannelDeviceResult'; channel: string; error?: number; errorText?: string }
export interface DevicesResult { mt: 'Devices'; devices: Device[] }
export interface DevicesChanged { mt: 'DevicesChanged'; devices: Device[]; added: Device[]; removed: Device[] }
export interface HeadsetsResult { mt: 'Headsets'; headsets: Headset[]; enabled: boolean }
export interface HeadsetAdded { mt: 'HeadsetAdded'; headset: Headset }
export interface HeadsetRemoved { mt: 'HeadsetRemoved'; id: string }
export interface HookKey { mt: 'HookKey'; device: string; key: HookKeyName; code: number }
export interface SetRecordingResult { mt: 'SetRecordingResult'; channel: string; on: boolean; error?: number; errorText?: string }
/** recording/paused: while the call runs; stored: file finished locally; uploaded; failed (file kept). */
export interface RecordingState {
  mt: 'RecordingState';
  channel: string;
  state: 'recording' | 'paused' | 'stored' | 'uploaded' | 'failed';
  file?: string;
  packets?: number;
  errorText?: string;
}
export interface SetHeadsetStateResult { mt: 'SetHeadsetStateResult'; applied: number }
/** Answer to CreateView: `url` is the viewer page with token and ticket in the fragment. */
export interface ViewCreated { mt: 'ViewCreated'; channel: string; url?: string; ticket?: string; error?: number; errorText?: string }
/** Engine -> viewer: the loopback peer connection's offer (candidates restricted to 127.0.0.1/::1). */
export interface ViewOffer { mt: 'ViewOffer'; view: string; kind: ChannelKind; sdp: string }
/** To the viewer (and, as information, to the channel's owner). */
export interface ViewClosed { mt: 'ViewClosed'; view?: string; reason: 'closed' | 'channel-closed' | 'refused' | 'no-media' | 'failed' | 'engine'; errorText?: string }
/** Sent when a request cannot be parsed or is refused. */
export interface MediaProtocolError { mt: 'Error'; error: 'malformed' | 'invalid' | 'too-large' | 'no-engine'; reason: string; ref?: string }

export type MediaLauncherMessage =
  | AllocChannelResult
  | LocalDescription
  | RemoteDescriptionResult
  | LocalCandidate
  | ChannelStateEvent
  | ChannelError
  | StatsResult
  | ChannelClosed
  | DtmfResult
  | SetMuteResult
  | SetChannelDeviceResult
  | DevicesResult
  | DevicesChanged
  | HeadsetsResult
  | HeadsetAdded
  | HeadsetRemoved
  | HookKey
  | SetHeadsetStateResult
  | SetRecordingResult
  | RecordingState
  | ViewCreated
  | ViewOffer
  | ViewClosed
  | MediaProtocolError;

// ---- Ringer protocol ------------------------------------------------------------------------

export const RingerModeSchema = z.enum(['RingerModeAudioOnly', 'RingerModeAllowVibrate', 'RingerModeOnlyBaseStation', 'RingerModeWithBaseStation']);
export const StartRingingSchema = z.object({
  mt: z.literal('StartRinging'),
  mode: RingerModeSchema.default('RingerModeAudioOnly'),
  /** Ringer device id (from QueryRingers); empty = default output (or the headset when "Ring in headset"). */
  device: z.string().max(500).default(''),
  /** Ring tone ident (from QueryRingtones). */
  ringtone: z.string().max(300).default('builtin:classic'),
});
export const StopRingingSchema = z.object({ mt: z.literal('StopRinging') });
export const QueryRingersSchema = z.object({ mt: z.literal('QueryRingers') });
export const QueryRingtonesSchema = z.object({ mt: z.literal('QueryRingtones') });
export const QueryNotificationTonesSchema = z.object({ mt: z.literal('QueryNotificationTones') });
export const PlayNotificationToneSchema = z.object({
  mt: z.literal('PlayNotificationTone'),
  mode: RingerModeSchema.default('RingerModeAudioOnly'),
  device: z.string().max(500).default(''),
  ident: z.string().max(300),
});
export const RingerAppMessageSchema = z.discriminatedUnion('mt', [
  StartRingingSchema,
  StopRingingSchema,
  QueryRingersSchema,
  QueryRingtonesSchema,
  QueryNotificationTonesSchema,
  PlayNotificationToneSchema,
]);
export type RingerAppMessage = z.infer<typeof RingerAppMessageSchema>;
export type StartRinging = z.infer<typeof StartRingingSchema>;

export interface Ringtone { ident: string; title: string; builtin: boolean }
/** ringtone: the tone actually played; fallback: the requested one was unknown (or unsafe), the default plays. */
export interface StartRingingResult { mt: 'StartRingingResult'; ringtone: string; device: string; fallback?: boolean; error?: number; errorText?: string }
export interface StopRingingResult { mt: 'StopRingingResult' }
export interface RingersResult { mt: 'Ringers'; devices: Device[] }
export interface RingtonesResult { mt: 'Ringtones'; ringtones: Ringtone[] }
export interface NotificationTonesResult { mt: 'NotificationTones'; tones: Ringtone[] }
export interface PlayNotificationToneResult { mt: 'PlayNotificationToneResult'; fallback?: boolean; error?: number; errorText?: string }
export type RingerLauncherMessage =
  | StartRingingResult
  | StopRingingResult
  | RingersResult
  | RingtonesResult
  | NotificationTonesResult
  | PlayNotificationToneResult
  | MediaProtocolError;

// ---- Engine link (relay <-> media engine in Chromium), internal ------------------------------

/** What the engine needs to know, sent by the relay in EngineWelcome. */
export interface EngineConfig {
  /** Exact local addresses whose candidates are never signalled (VPN interfaces). */
  excludeAddresses: string[];
  /** EXCLUDEINTERFACES address prefixes ("172", "192.168", "10.10"). */
  excludePrefixes: string[];
  ringInHeadset: boolean;
  disableHeadsets: boolean;
  /** Ring tone idents the relay resolved, ident -> source. */
  ringtones: Record<string, RingtoneSource>;
}
export type RingtoneSource = { kind: 'builtin'; pattern: BuiltinTonePattern } | { kind: 'url'; url: string };
/** A synthesised tone: frequencies played for `on` ms, then `off` ms silence, repeated (cadence). */
export interface BuiltinTonePattern { freqs: number[]; cadence: number[]; gain: number; once?: boolean }

export const EngineHelloSchema = z.object({ mt: z.literal('EngineHello'), secret: z.string().min(16).max(200), version: z.number().int() });
export const EngineEventSchema = z.object({
  mt: z.literal('EngineEvent'),
  service: z.enum(['media', 'ringer']),
  /** Session of the app the event is for, or '*' for every session of the service. */
  session: z.string().min(1).max(100),
  msg: z.record(z.string(), z.unknown()),
});
export const EngineFrameSchema = z.discriminatedUnion('mt', [EngineHelloSchema, EngineEventSchema]);
export type EngineFrame = z.infer<typeof EngineFrameSchema>;

/** Engine -> relay (internal, never forwarded to apps): recorded RTP of a channel, both directions. */
export interface RecordingDataPacket { d: 'tx' | 'rx'; t: number; pt: number; seq: number; ts: number; ssrc: number; m?: boolean; p: string /* base64 payload */ }
export interface RecordingData { mt: 'RecordingData'; channel: string; packets: RecordingDataPacket[] }
export interface RecordingEnd { mt: 'RecordingEnd'; channel: string }

export interface EngineWelcome { mt: 'EngineWelcome'; config: EngineConfig }
export interface EngineRequest { mt: 'EngineRequest'; service: 'media' | 'ringer'; session: string; msg: Record<string, unknown> }
export interface EngineSessionClosed { mt: 'SessionClosed'; service: 'media' | 'ringer'; session: string }
export interface EngineConfigUpdate { mt: 'EngineConfig'; config: EngineConfig }
export type RelayToEngine = EngineWelcome | EngineRequest | EngineSessionClosed | EngineConfigUpdate;
