/**
 * Settings service: one typed model of every setting, resolved in layers
 * (defaults < managed < PBX adminSettings < user file) with the source of every value.
 * See docs/settings.md and docs/managed-settings.md.
 */
export * from './store';
export * from './snapshot';
export type { ManagedSettingsReader, ManagedSettingsRead } from './ports';
