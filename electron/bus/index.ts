/**
 * The local services bus: public face. See docs/local-services.md.
 */
export { startLocalServicesServer } from './server';
export type { LocalServicesServer, LocalServicesOptions, LauncherIdentity, HttpRouteHandler, WebSocketRouteHandler } from './server';
export { ApiRouter, RouterError } from './router';
export type { ConsumedApi, LocalModule, ProvidedApi, ProviderHandler, ProviderRequest, ReplyTo, RequestOptions, Endpoint } from './router';
export { OriginAllowList } from './origins';
export { trackAppOrigins, MAX_APP_ORIGINS, MAX_FRAMES, type AppOrigins } from './app-origins';
export type * from './ports';
export { AppFrameEvents } from './ports';
