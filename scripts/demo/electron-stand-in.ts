/**
 * The demo runs where Electron's binary cannot (`require('electron')` from Node throws: the binary
 * is missing). The product's per-OS adapter choice (electron/os-adapters.ts) imports the Electron
 * adapters next to the Linux ones, so the demo, like the packaged-main test
 * (test/fixtures/run-bundle.cjs), stands in for the `electron` module alone with
 * test/fixtures/fake-electron.ts. On Linux X11 the adapters the product picks are the Linux ones;
 * of Electron they use only powerMonitor's suspend/resume/lock events, which never fire here.
 */
import Module from 'node:module';
import * as path from 'node:path';
import { languagesFromEnv } from '../../common/i18n';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
interface ModuleInternals {
  _resolveFilename: ResolveFilename;
  _cache: Record<string, unknown>;
}

let installed: Record<string, unknown> | undefined;

/**
 * From now on `require('electron')` in this process returns the stand-in (call it before anything
 * loads the Electron adapters; again when the paths are known). `paths` are Electron's app paths
 * (appData, temp, home); the preferred languages are the environment's, as Electron
 * reports them on Linux (gettext's variables).
 */
export function useElectronStandIn(o: { paths?: { appData: string; temp: string; home: string }; env: NodeJS.ProcessEnv }): Record<string, unknown> {
  if (!installed) {
    const fake = require('../../test/fixtures/fake-electron') as { electron: Record<string, unknown> };
    const id = path.join(__dirname, 'electron-stand-in', 'index.js');
    const m = new Module(id);
    m.filename = id;
    m.loaded = true;
    m.exports = fake.electron;
    const internals = Module as unknown as ModuleInternals;
    internals._cache[id] = m;
    const resolve = internals._resolveFilename;
    internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'electron' ? id : resolve.call(this, request, ...rest);
    };
    installed = fake.electron;
  }
  const app = installed.app as { paths: Record<string, string>; isPackaged: boolean; systemLanguages: string[]; locale: string };
  if (o.paths) app.paths = { ...app.paths, ...o.paths, userData: path.join(o.paths.appData, 'innovaphone', 'myApps') };
  app.isPackaged = true;
  app.systemLanguages = languagesFromEnv(o.env);
  app.locale = '';
  return installed;
}
