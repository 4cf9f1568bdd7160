/**
 * The trace categories and their log-flag bits (docs/log-flags.md). One table for the whole client:
 * the log-flag mask (BigInt: bits go up to 35) decides which categories are written.
 */
export const TRACE_CATEGORIES = {
  App: 0x1n,
  DNS: 0x8n,
  HTTPClient: 0x80n,
  TLS: 0x400n,
  TCP: 0x800n,
  LDS: 0x1000n,
  WebSocketClient: 0x4000n,
  AppWebSocket: 0x8000n,
  UDP: 0x200000n,
  DTLS: 0x400000n,
  Media: 0x800000n,
  MediaChannel: 0x1000000n,
  ICE: 0x2000000n,
  TURN: 0x4000000n,
  AppSharing: 0x8000000n,
  Audio: 0x10000000n,
  Video: 0x20000000n,
  Browser: 0x40000000n,
  AppProxy: 0x80000000n,
  Webserver: 0x200000000n,
  BrowserConsole: 0x400000000n,
  Signaling: 0x800000000n,
} as const;

export type TraceCategory = keyof typeof TRACE_CATEGORIES;

/** Human-readable names as the product documentation spells them. */
export const TRACE_CATEGORY_LABELS: Record<TraceCategory, string> = {
  App: 'App', DNS: 'DNS', HTTPClient: 'HTTP client', TLS: 'TLS', TCP: 'TCP', LDS: 'LDS',
  WebSocketClient: 'WebSocket client', AppWebSocket: 'App WebSocket', UDP: 'UDP', DTLS: 'DTLS',
  Media: 'Media', MediaChannel: 'Media channel', ICE: 'ICE', TURN: 'TURN', AppSharing: 'AppSharing',
  Audio: 'Audio', Video: 'Video', Browser: 'Browser', AppProxy: 'AppProxy', Webserver: 'Webserver',
  BrowserConsole: 'Browser Console', Signaling: 'Signaling',
};

/** Recommended mask for call problems: App, Browser, ICE, TURN, Signaling, Audio. */
export const CALL_PROBLEM_FLAGS = 0x856000001n;
