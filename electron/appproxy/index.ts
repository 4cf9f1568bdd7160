/** App proxy (docs/appproxy.md): crash-safe caching proxy for the web client and apps. */
import * as path from 'node:path';
import type { FileLocations, Logger } from '../platform';
import { createAppProxy, type AppProxy } from './core';
import type { AppProxySettings, UpstreamFetch } from './ports';

export { createAppProxy, traceUrl, freshnessMs, STORED_HEADERS, DEFAULT_MAX_BYTES, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_ENTRY_BYTES, DEFAULT_MEMORY_BYTES, DEFAULT_OFFLINE_HOLD_MS } from './core';
export type { AppProxy, AppProxyOptions, Outcome } from './core';
export { classifyRequest, classifyResponse, classifyPath, STATIC_EXTENSIONS } from './classify';
export type { Verdict } from './classify';
export { EntryStore, keyOf } from './store';
export type { EntryMeta, StoredEntry } from './store';
export { offlinePageHtml } from './offline-page';
export type { AppProxySettings, UpstreamFetch } from './ports';

/** The cache folder inside the local app-data folder. */
export function appProxyDir(files: Pick<FileLocations, 'localData'>): string {
  return path.join(files.localData, 'appproxy');
}

/** The app proxy as the product builds it: `<localData>/appproxy/`, settings from the user/admin. */
export function createAppProxyService(deps: { files: Pick<FileLocations, 'localData'>; upstream: UpstreamFetch; logger: Logger; settings?: AppProxySettings }): AppProxy {
  return createAppProxy({ dir: appProxyDir(deps.files), upstream: deps.upstream, logger: deps.logger, ...deps.settings });
}
