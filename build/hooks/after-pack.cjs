/**
 * electron-builder `afterPack` hook: node-global-key-listener ships its X11 key server as mode
 * 0644 (npm tarball); unpacked from the asar it must be executable, or a normal user gets a
 * pkexec prompt (feasibility.md §3). Also makes the macOS helper executable.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const BINARIES = ['X11KeyServer', 'MacKeyServer'];

/** Resources folder of a packed app (macOS: <name>.app/Contents/Resources). */
function resourcesDir(context) {
  if (context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas') {
    const app = fs.readdirSync(context.appOutDir).find((f) => f.endsWith('.app'));
    if (app) return path.join(context.appOutDir, app, 'Contents', 'Resources');
  }
  return path.join(context.appOutDir, 'resources');
}

function makeKeyServersExecutable(resources) {
  const bin = path.join(resources, 'app.asar.unpacked', 'node_modules', 'node-global-key-listener', 'bin');
  const done = [];
  for (const name of BINARIES) {
    const file = path.join(bin, name);
    if (fs.existsSync(file)) {
      fs.chmodSync(file, 0o755);
      done.push(file);
    }
  }
  return done;
}

async function afterPack(context) {
  const done = makeKeyServersExecutable(resourcesDir(context));
  if (context.electronPlatformName === 'linux' && !done.some((f) => f.endsWith('X11KeyServer'))) {
    throw new Error('afterPack: X11KeyServer not found in app.asar.unpacked (asarUnpack missing?)');
  }
}

module.exports = afterPack;
module.exports.default = afterPack;
module.exports.makeKeyServersExecutable = makeKeyServersExecutable;
