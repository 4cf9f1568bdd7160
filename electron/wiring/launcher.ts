/**
 * com.innovaphone.launcher (provider `@local-<id>` "myApps", electron/notifications): its model
 * is fed by user activity, the notification and video settings and the launcher services (Media,
 * Ringer); its requests go to the notification service. docs/local-services.md "The launcher model".
 */
import { ActivityService } from '../activity';
import { InAppBanner, LauncherApi, launcherServicesModel, NotificationService, withInAppFallback, type Notifier } from '../notifications';
import type { MediaService } from '../media';
import type { Wiring } from './context';

export interface LauncherPart {
  launcher: LauncherApi;
  activity?: ActivityService;
  notifications?: NotificationService;
  /** The notifier every part uses (update prompts, tray): the OS notifier, with the banner behind it. */
  notifier?: Notifier;
  banner?: InAppBanner;
}

export function wireLauncher(w: Wiring): LauncherPart {
  const { ports, config, logger } = w;
  // "Autostart video" when a setting or the configuration says it (without either: not in the model)
  const video = w.setting('videoAutostart', config.videoAutostart);
  const launcher = new LauncherApi(w.router, logger, { popupWindows: true, touch: config.touch === true, ...(video !== undefined ? { videoAutostart: video } : {}) });
  w.onClose(() => launcher.close());
  const out: LauncherPart = { launcher };

  if (ports.idleClock) {
    const ms = w.setting('appearOfflineAfterMs', config.appearOfflineAfterMs) ?? 0;
    const activity = new ActivityService({ launcher, logger, clock: ports.idleClock, thresholdMinutes: ms / 60_000 });
    w.onClose(() => activity.close());
    out.activity = activity;
  } else w.skip('activity', 'no idleClock port');

  // the in-app banner (docs/notifications.md "When no notification service runs"): with the
  // overlays port, a notification the desktop has no notification service for
  // (NoNotificationServerError) is shown over the main window instead
  let notifier = ports.notifier;
  if (notifier && ports.overlays) {
    const banner = new InAppBanner({ overlays: ports.overlays, logger });
    w.onClose(() => banner.close());
    notifier = withInAppFallback(notifier, banner, logger);
    out.banner = banner;
  } else w.skip('banner', ports.notifier ? 'no overlays port' : 'no notifier port');
  out.notifier = notifier;

  if (notifier) {
    const enabled = w.setting('notifications', config.notifications) ?? true;
    const notifications = new NotificationService({ router: w.router, launcher, logger, notifier, attention: ports.attention, window: ports.windowFocus, enabled });
    w.onClose(() => notifications.close());
    out.notifications = notifications;
  } else w.skip('notifications', 'no notifier port');
  return out;
}

/**
 * "How apps find the services" (docs/media-protocol.md): the launcher model's launcherServices
 * carries the Media/Ringer WebSocket URLs and token when the media service runs.
 */
export function publishLauncherServices(w: Wiring, launcher: LauncherApi, media: MediaService | undefined): void {
  if (!media) {
    w.skip('launcherServices', 'no media service');
    return;
  }
  launcher.setModelFields({ ...launcherServicesModel(w.server.config, ['media', 'ringer']) });
}
