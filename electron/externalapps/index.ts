export { ExternalAppsService, EXTERNALAPPS_DN, callDataFrom, type ExternalAppsServiceOptions } from './service';
export { parseExternalAppsJson, validateApps, ExternalAppSchema, type ExternalApp, type ParsedApps } from './config';
export { buildArgs, splitTemplate, substituteArg, numberFormats, type CallData, type DialPrefixes } from './substitute';
export type * from './ports';
