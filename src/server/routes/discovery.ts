/**
 * ONVIF discovery from the dashboard (admins only): POST starts a WS-Discovery probe of the LAN
 * in the background and answers at once (a probe lasts seconds: it must not hold one of the
 * server's few request slots), GET shows the last one's outcome, the devices not in the config
 * with their `cameras:` entries. One runs at a time, and a new one starts at most every
 * MIN_INTERVAL_MS: each sends multicast to the whole LAN. Every start is audited.
 */
import { compareWithInventory, discoveryJson } from '../../inventory/discovered.js';
import { discover, DISCOVERY_TIMEOUT_S } from '../../probe/discovery.js';
import { writeAudit } from '../../store/audit.js';
import { bool, currentUser, errors, int, nullable, str, time, type App, type ServerDeps } from '../context.js';

const MIN_INTERVAL_MS = 10_000;
/** The dashboard waits for the answer: a shorter ceiling than the CLI's. */
const MAX_TIMEOUT_S = 10;

type Outcome = ReturnType<typeof discoveryJson>;

interface Run {
  startedAt: number;
  finishedAt: number | null;
  timeoutS: number;
  result: Outcome | null;
  error: string | null;
}

const strings = { type: 'array', items: str } as const;
const deviceSchema = {
  type: 'object',
  properties: {
    endpoint: str,
    maker: nullable(str),
    model: nullable(str),
    label: str,
    addresses: strings,
    scopes: strings,
    from: str,
    host: str,
    port: int,
    snippet: str,
    entry: {
      type: 'object',
      properties: {
        id: str,
        name: str,
        unit: str,
        onvif: { type: 'object', properties: { host: str, port: int, user: str, password_env: str } },
      },
    },
  },
} as const;
const runSchema = {
  type: 'object',
  properties: {
    running: bool,
    started_at: nullable(time),
    finished_at: nullable(time),
    timeout_s: nullable({ type: 'number' }),
    error: nullable(str),
    result: nullable({
      type: 'object',
      properties: {
        devices: { type: 'array', items: deviceSchema },
        known: { type: 'array', items: { type: 'object', properties: { cameraId: str, endpoint: str, addresses: strings } } },
        ignored: int,
        truncated: bool,
      },
    }),
  },
} as const;

export function discoveryRoutes(app: App, deps: ServerDeps) {
  let last: Run | undefined;
  const view = () => ({
    running: last !== undefined && last.finishedAt === null,
    started_at: last?.startedAt ?? null,
    finished_at: last?.finishedAt ?? null,
    timeout_s: last?.timeoutS ?? null,
    error: last?.error ?? null,
    result: last?.result ?? null,
  });

  app.get('/api/discovery', { config: { roles: ['admin'] }, schema: { tags: ['inventory'], summary: 'The last ONVIF discovery: devices on the LAN not in the config, each with a cameras: entry', response: { 200: runSchema, ...errors } } }, async () => view());

  app.post<{ Body: { timeout_s?: number } | undefined }>(
    '/api/discovery',
    {
      config: { roles: ['admin'] },
      schema: {
        tags: ['inventory'],
        summary: 'Start an ONVIF WS-Discovery probe of the LAN (one at a time, at most one every 10 s); read the outcome with GET',
        body: { type: 'object', nullable: true, properties: { timeout_s: { type: 'number', minimum: DISCOVERY_TIMEOUT_S.min, maximum: MAX_TIMEOUT_S } }, additionalProperties: false },
        response: { 202: runSchema, ...errors },
      },
    },
    async (request, reply) => {
      const now = deps.now();
      if (last && (last.finishedAt === null || now - last.startedAt < MIN_INTERVAL_MS)) {
        const wait = Math.max(1, Math.ceil((last.startedAt + MIN_INTERVAL_MS - now) / 1000));
        return reply.code(429).header('retry-after', String(wait)).send({ error: 'discovery_busy', message: 'A discovery ran moments ago or is running; try again in a few seconds' });
      }
      const timeoutS = request.body?.timeout_s ?? DISCOVERY_TIMEOUT_S.default;
      const run: Run = { startedAt: now, finishedAt: null, timeoutS, result: null, error: null };
      last = run;
      await writeAudit(deps.db, currentUser(request), { action: 'discovery.run', detail: `${timeoutS} s`, ip: request.ip }, now);
      discover({ timeoutMs: timeoutS * 1000 })
        .then((result) => {
          run.result = discoveryJson(compareWithInventory(deps.config, result));
        })
        .catch((error: unknown) => {
          request.log.warn({ err: error }, 'discovery failed');
          run.error = error instanceof Error ? error.message : String(error);
        })
        .finally(() => {
          run.finishedAt = deps.now();
        });
      return reply.code(202).send(view());
    },
  );
}
