/**
 * FileLocations from Electron's app.getPath, laid out as the original client does
 * (docs/architecture.md "Data on disk"): roaming `<appData>/innovaphone/myApps` (settings,
 * ringtones) and local app data (`%LOCALAPPDATA%\innovaphone\myApps` on Windows; XDG data home
 * on Linux; ~/Library/Application Support on macOS) for appproxy/, traces/ and updates/.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { app } from 'electron';
import type { FileLocations } from '../../electron/platform';

/** Call before app 'ready' so Chromium's own profile lands there too. */
export function useInnovaphoneUserData(): string {
  const dir = path.join(app.getPath('appData'), 'innovaphone', 'myApps');
  app.setPath('userData', dir);
  return dir;
}

export function createFileLocations(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): FileLocations {
  const userData = app.getPath('userData');
  let localData: string;
  if (platform === 'win32') localData = path.join(env.LOCALAPPDATA || app.getPath('appData'), 'innovaphone', 'myApps');
  else if (platform === 'linux') localData = path.join(env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(os.homedir(), '.local', 'share'), 'innovaphone', 'myApps');
  else localData = path.join(userData, 'local');
  // No folder in the shared temp directory: update downloads go to <localData>/updates (a private
  // per-user folder, docs/update.md); a fixed name in /tmp can be planted by another user.
  return { userData, localData, logs: path.join(localData, 'traces') };
}
