/**
 * The one wiring function: builds the platform service graph from port implementations.
 * `electron/main.ts` calls it with Electron adapters; the end-to-end harness calls it with real
 * Linux adapters. Each service is optional on the ports it needs: when they are absent the service
 * is not started and `services.skipped` says why (so a test harness can run a subset honestly).
 */
import type { FileLocations, Logger } from './platform';
import { silentLogger } from './platform';
import { startLocalServicesServer, OriginAllowList, type LocalServicesServer, type LauncherIdentity } from './bus';
import type { ApiRouter } from './bus';

export interface PlatformPorts {
  logger?: Logger;
  files?: FileLocations;
  // Service ports are added here by each service (all optional).
  [port: string]: unknown;
}

export interface PlatformConfig {
  /** Origin of the user's PBX (https://host[:port]); the bus accepts it. Optional before first connect. */
  pbxOrigin?: string;
  /** Further allowed origins (App Platforms whose apps the web client loads). */
  appOrigins?: string[];
  /** DISABLELOCALHOST: hand out 127.0.0.1 (true) or localhost (false) URLs. Default 127.0.0.1. */
  disableLocalhost?: boolean;
  /** Fixed port for the local services server (0 = random, the default). */
  port?: number;
  launcher?: LauncherIdentity;
  [setting: string]: unknown;
}

export interface PlatformServices {
  readonly server: LocalServicesServer;
  readonly router: ApiRouter;
  readonly origins: OriginAllowList;
  readonly logger: Logger;
  /** Services that were not started, with the reason (missing port, disabled by setting). */
  readonly skipped: Record<string, string>;
  /** Named service instances (for the composition root and tests). */
  readonly instances: Record<string, unknown>;
  /** Points the client at another PBX (after "change server"). */
  setPbxOrigin(origin: string | undefined): void;
  close(): Promise<void>;
}

type Closer = () => void | Promise<void>;

export async function createPlatformServices(ports: PlatformPorts, config: PlatformConfig = {}): Promise<PlatformServices> {
  const logger = ports.logger ?? silentLogger;
  const origins = new OriginAllowList();
  let pbxOrigin = config.pbxOrigin;
  const resetOrigins = (): void => origins.set([...(pbxOrigin ? [pbxOrigin] : []), ...(config.appOrigins ?? [])]);
  resetOrigins();

  const server = await startLocalServicesServer({
    logger,
    origins,
    host: config.disableLocalhost === false ? 'localhost' : '127.0.0.1',
    port: config.port ?? 0,
    launcher: config.launcher,
  });
  const closers: Closer[] = [];
  const skipped: Record<string, string> = {};
  const instances: Record<string, unknown> = {};

  // ---- services are wired below, one block each (keep blocks self-contained) ----

  // ---- end of services ----

  return {
    server,
    router: server.router,
    origins,
    logger,
    skipped,
    instances,
    setPbxOrigin(origin) {
      pbxOrigin = origin;
      resetOrigins();
    },
    async close() {
      for (const c of closers.reverse()) {
        try {
          await c();
        } catch (err) {
          logger.warn('service close failed', { error: String(err) });
        }
      }
      await server.close();
    },
  };
}
