/**
 * Auto update (docs/update.md). Public face of electron/update.
 */
export * from './ports';
export { UpdateService, ASK_AGAIN_MS, type UpdateServiceOptions, type UpdateStatus, type ClientUpdateModel, type UpdateTrigger } from './service';
export {
  canonicalEntry, signEntry, verifyEntrySignature, generateUpdateKeyPair, selectUpdate, manifestUrl, normaliseStoreUrl,
  SOFTWARE_ID, MANIFEST_NAME, type SignedEntry, type UpdateKey, type ManifestFile, type SelectedUpdate,
} from './manifest';
export { PRODUCT_UPDATE_KEYS } from './keys';
export { downloadFile, sha256File, DownloadRefused, type DownloadOptions, type DownloadProgress } from './download';
export { TokenBucket, DEFAULT_THROTTLE_BYTES_PER_S, DEFAULT_THROTTLE_BURST, realThrottleClock, type ThrottleClock } from './throttle';
export { detectInstallKind, updatePolicy, type InstallFacts } from './install-kind';
export { updateStatusView } from './status-view';
export type { UpdateOffCode } from './install-kind';
