export { NotificationService, LAUNCHER_PROVIDER, type NotificationServiceOptions } from './service';
export { mapAddLocalNotification, demoteMissed } from './rules';
export type * from './ports';
export { launcherServicesModel, type LauncherServicesModel, type LauncherServiceEntry } from './launcher-services';
