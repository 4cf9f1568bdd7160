/**
 * `npm run pbx-sim -- --port N [--http] [--host 127.0.0.1] [--apps-port N] [--ping-ms N] [--no-auto-login]`
 * Starts the PBX simulator until Ctrl+C. See docs/pbx-sim.md.
 */
import { parseArgs } from 'node:util';
import { startPbxSim } from './index';

function int(name: string, v: string | undefined, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`pbx-sim: --${name} must be an integer 0..65535, got "${v}"`);
    process.exit(2);
  }
  return n;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'apps-port': { type: 'string' },
        host: { type: 'string' },
        http: { type: 'boolean' },
        'ping-ms': { type: 'string' },
        'no-auto-login': { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`pbx-sim: ${(err as Error).message}`);
    process.exit(2);
  }
  if (values.help) {
    console.log('usage: npm run pbx-sim -- --port N [--http] [--host 127.0.0.1|::1|localhost] [--apps-port N] [--ping-ms N] [--no-auto-login] [--quiet]');
    return;
  }
  const sim = await startPbxSim({
    port: int('port', values.port, 0),
    appsPort: int('apps-port', values['apps-port'], 0),
    host: values.host ?? '127.0.0.1',
    https: !values.http,
    pingIntervalMs: values['ping-ms'] ? Math.max(100, int('ping-ms', values['ping-ms'], 60_000)) : 60_000,
    autoLogin: !values['no-auto-login'],
    log: values.quiet ? undefined : (line) => console.log(`[pbx-sim] ${line}`),
  });
  console.log(`pbx-sim web client: ${sim.url}`);
  console.log(`pbx-sim apps origin: ${sim.appsOrigin}`);
  console.log(`pbx-sim control API: ${sim.origin}/sim/ (received, model, reset, sessions, push)`);
  if (sim.cert) console.log(`pbx-sim certificate SHA-256: ${sim.cert.fingerprint256}`);
  console.log(`pbx-sim user: ${sim.user.sip} / ${sim.user.password}`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`pbx-sim: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
