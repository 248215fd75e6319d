/**
 * Whether checks start on time: the scheduler's last closed window of schedule lag (written by
 * the daemon, src/scheduler/lag.ts) with the limits that held checks back. Admins only: they
 * are the ones who can raise a limit, and the hosts are the cameras' network addresses.
 */
import { lastLagReport, limitingSetting } from '../../scheduler/lag.js';
import { errors, int, nullable, num, str, time, type App, type ServerDeps } from '../context.js';

const hostSchema = { type: 'object', properties: { host: str, started: int, late: int, max_lag_s: num, limited_by: nullable(str) } } as const;

export function scheduleRoutes(app: App, deps: ServerDeps) {
  app.get(
    '/api/schedule',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['operations'],
        summary: 'Checks started late in the last closed 10-minute window, by camera address, with the limit that held them back',
        response: {
          200: {
            type: 'object',
            properties: {
              from: nullable(time), to: nullable(time), started: int, late: int, max_lag_s: num,
              hosts: { type: 'array', items: hostSchema },
              settings: { type: 'object', properties: { concurrency: int, per_host_concurrency: int } },
            },
          },
          ...errors,
        },
      },
    },
    async () => {
      const report = await lastLagReport(deps.db);
      const { concurrency, per_host_concurrency } = deps.config.raw.probe;
      return {
        from: report?.from ?? null,
        to: report?.to ?? null,
        started: report?.started ?? 0,
        late: report?.late ?? 0,
        max_lag_s: Math.round((report?.maxLagMs ?? 0) / 1000),
        hosts: (report?.hosts ?? []).map((h) => ({ host: h.host, started: h.started, late: h.late, max_lag_s: Math.round(h.maxLagMs / 1000), limited_by: limitingSetting(h) ?? null })),
        settings: { concurrency, per_host_concurrency },
      };
    },
  );
}
