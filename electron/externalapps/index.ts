export { ExternalAppsService, EXTERNALAPPS_DN, callDataFrom, type ExternalAppsServiceOptions, type StartEvent } from './service';
export { parseExternalAppsJson, validateApps, ExternalAppSchema, ExternalAppsSchema, type ExternalApp, type ParsedApps } from './config';
export { buildArgs, buildUrl, isUrlPath, urlTemplateError, splitTemplate, substituteArg, numberFormats, type CallData, type DialPrefixes } from './substitute';
export type * from './ports';
