export { NotificationService, type NotificationServiceOptions } from './service';
export { LauncherApi, LAUNCHER_DN, type LauncherModel } from './launcher-api';
export { mapAddLocalNotification, demoteMissed } from './rules';
export type * from './ports';
export { launcherServicesModel, type LauncherServicesModel, type LauncherServiceEntry } from './launcher-services';
export { InAppBanner, withInAppFallback, BANNER_MAX_SHOWN, BANNER_WIDTH, type BannerState, type InAppBannerOptions } from './banner';
export { NoNotificationServerError, isNoNotificationServer } from './ports';
