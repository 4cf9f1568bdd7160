/**
 * What each area's wiring gets from createPlatformServices: the ports, the configuration, the
 * bus, the settings store (when one runs), and the two ways to report back (skip with a reason,
 * close at shutdown).
 */
import type { SettingKey, SettingValues } from '../../common/settings/schema';
import type { Logger } from '../platform';
import type { ApiRouter, LocalServicesServer } from '../bus';
import type { SettingsStore } from '../settings';
import type { PlatformConfig, PlatformPorts, ServiceName } from './types';

export type Closer = () => void | Promise<void>;

export interface Wiring {
  readonly ports: PlatformPorts;
  readonly config: PlatformConfig;
  readonly logger: Logger;
  readonly server: LocalServicesServer;
  readonly router: ApiRouter;
  readonly store: SettingsStore | undefined;
  /** A value given in the configuration wins; else the settings store's resolved value. */
  setting<K extends SettingKey>(key: K, given: SettingValues[K] | undefined): SettingValues[K] | undefined;
  /** The service is not started, and why (`services.skipped`). */
  skip(name: ServiceName, why: string): void;
  /** Run at shutdown (in reverse order of registration). */
  onClose(close: Closer): void;
}

export function settingOf(store: Pick<SettingsStore, 'get'> | undefined) {
  return <K extends SettingKey>(key: K, given: SettingValues[K] | undefined): SettingValues[K] | undefined => (given !== undefined ? given : store?.get(key));
}
