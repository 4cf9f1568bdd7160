/**
 * Ports of the media service (re-exported from electron/platform.ts).
 */

/** Opens the media engine page in a Chromium renderer: a hidden BrowserWindow in the product
 *  (native/electron), a headless Chromium page in the e2e tests. */
export interface MediaEngineHost {
  /** Loads `url` (http://127.0.0.1:<port>/media-engine-page/#...) and keeps it running until closed. */
  open(url: string): Promise<{ close(): Promise<void> }>;
}
