/**
 * Starts the HTTP API for the daemon. Wiring (src/app/daemon.ts or src/cli.ts `run`):
 *   const server = app.config.raw.server?.enabled === false ? undefined : await startServer(app, log);
 *   ... on shutdown: await server?.close();
 * and feed probe metrics from the pipeline: `observeCheck(result)` from src/server/metrics.ts.
 */
import type { FastifyBaseLogger } from 'fastify';
import { appOwnerKeys, type AppContext } from './context.js';
import type { Logger } from '../log.js';
import { buildServer } from '../server/app.js';
import { serverSettings } from '../server/context.js';
import { passwordGuessingAlarm, queueAlerts } from './alerts.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** Without ffmpeg (`app.ffmpeg`) the server has no live view. */
export async function startServer(app: Pick<AppContext, 'config' | 'db' | 'evidenceDir'> & Partial<Pick<AppContext, 'ffmpeg' | 'dbPath'>>, log: Logger): Promise<RunningServer> {
  const settings = serverSettings(app.config);
  const server = await buildServer({
    db: app.db,
    config: app.config,
    evidenceDir: app.evidenceDir,
    ffmpeg: app.ffmpeg?.ffmpeg,
    log: log.child({ component: 'http' }) as FastifyBaseLogger,
    onPasswordGuessing: passwordGuessingAlarm(app),
    notify: queueAlerts(app),
    ownerKeys: appOwnerKeys(app),
  });
  const address = await server.listen({ host: settings.host, port: settings.port });
  log.info({ url: address, public_url: settings.public_url }, 'HTTP API listening');
  let closed = false;
  return {
    url: address,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
    },
  };
}
