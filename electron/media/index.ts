/**
 * The media service: Media and Ringer protocol endpoints relayed to the media engine in a
 * Chromium renderer. See docs/media-protocol.md.
 */
export { startMediaRelay, LAUNCHER_SESSION } from './relay';
export type { MediaRelay, MediaRelayOptions, MediaServerHost } from './relay';
export { RingtoneStore, BUILTIN_RINGTONES, BUILTIN_NOTIFICATION_TONES, DEFAULT_RINGTONE, isSafeRingtoneName } from './ringtones';
export { vpnAddresses, isVpnInterfaceName, parseExcludeInterfaces } from './interfaces';
export { hookKeyToPhoneRequest, ledStateFromCalls, callsFromProviders } from './headset';
export type { PhoneCall, LedState } from './headset';
export type { MediaEngineHost } from './ports';
export { bundleEngine, engineScriptFromFile } from './engine-bundle';
export { startMediaService } from './service';
export { ChannelActivity } from './activity';
export type { MediaActivity, ChannelInfo } from './activity';
export type { MediaService, MediaServiceConfig } from './service';
export { RecordingStore, parseRecordingUrl } from './recording';
export type { RecordingTarget } from './recording';
export { readRtpPcap, pcapRtpPacket, pcapGlobalHeader } from './pcap';
export type { RtpRecord } from './pcap';
export { ViewRegistry, bundleViewer, defaultViewerScript, MAX_VIEWS_PER_SESSION, VIEW_TICKET_TTL_MS } from './view';
export type { ViewInfo } from './view';
