/**
 * The Fastify application: authentication on every route except /healthz (and the login
 * itself), JSON schemas on every route (validation, response filtering and the OpenAPI
 * document), and a last filter that removes camera passwords from anything that leaves.
 */
import { ownerKeys } from '../inventory/sealed-password.js';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import { redactSecrets } from '../redact.js';
import { authenticate, createSession, endSession, LoginLimiter, sessionUser } from './auth.js';
import { writeAudit } from '../store/audit.js';
import { getIncident } from '../store/incidents.js';
import { findCamera } from '../store/inventory.js';
import { databaseMetrics } from './metrics.js';
import { bool, currentUser, errors, int, serverSettings, str, userJson, userSchema, type ServerDeps, type ServerOptions } from './context.js';
import { inventoryRoutes } from './routes/inventory.js';
import { incidentRoutes } from './routes/incidents.js';
import { scheduleRoutes } from './routes/schedule.js';
import { discoveryRoutes } from './routes/discovery.js';
import { reportRoutes } from './routes/reports.js';
import { liveRoutes } from './routes/live.js';
import { defaultMaxTranscodes, LiveStreams } from '../live/streams.js';
import { ClipRecorder } from '../live/recorder.js';
import { clipRoutes } from './routes/clips.js';
import { falseAlarmRoutes } from './routes/false-alarms.js';
import { userRoutes } from './routes/users.js';
import { maintenanceVisitRoutes } from './routes/maintenance-visits.js';
import { publicStatusRoutes } from './routes/public-status.js';
import { registrationRoutes } from './routes/registrations.js';
import { mapRoutes, tileImageSource } from './routes/map.js';
import { RequestGate } from './gate.js';
import { registerDashboardAssets } from './dashboard/assets.js';

export const SESSION_COOKIE = 'camwatch_session';

function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) out.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  return out;
}

/**
 * Requests in their handlers at once (the heavy ones, reports and images, are synchronous CPU
 * work on this loop), and requests allowed to wait; beyond, 503. /healthz skips the queue.
 */
const GATE = { maxActive: 2, maxWaiting: 256 } as const;
/**
 * Open connections at once. Every connection's request is read and parsed on this loop before the
 * gate can queue it: 2,000 arriving together cost ~100 ms of parsing in one turn. Beyond this, a
 * new connection is closed as it is accepted, the cheapest refusal there is.
 */
const MAX_CONNECTIONS = 300;

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF: a browser sends the session cookie with a form or fetch from any site, so a write that
 * rides on the cookie must come from the dashboard's own origin (Origin, or Sec-Fetch-Site from
 * browsers that omit it). A bearer token is never sent by a browser on its own: scripts use it.
 */
function crossSiteWrite(request: FastifyRequest, publicOrigin: string | undefined): boolean {
  if (!WRITES.has(request.method) || request.headers.authorization?.startsWith('Bearer ')) return false;
  const origin = request.headers.origin;
  if (origin !== undefined) return origin !== `${request.protocol}://${request.host}` && origin !== publicOrigin;
  return request.headers['sec-fetch-site'] !== 'same-origin' && request.headers.cookie !== undefined;
}

function tokenOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim();
  const cookie = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
  if (!cookie) return undefined;
  // Our tokens are base64url: a cookie that is not even valid %-encoding is simply no session.
  try {
    return decodeURIComponent(cookie);
  } catch {
    return undefined;
  }
}

export async function buildServer(options: ServerOptions) {
  const { db, config, evidenceDir } = options;
  const settings = serverSettings(config);
  const now = options.now ?? Date.now;
  const deps: ServerDeps = { db, config, settings, evidenceDir, now, timeZone: config.raw.timezone, notify: options.notify, ownerKeys: options.ownerKeys ?? ownerKeys() };
  const secureCookie = settings.public_url?.startsWith('https://') ?? false;
  const publicOrigin = settings.public_url ? new URL(settings.public_url).origin : undefined;
  // Only passwords long enough not to collide with ordinary words are searched for in answers.
  const secrets = [...config.secrets.values()].filter((s) => s.length >= 8);
  const limiter = new LoginLimiter(db, {
    maxFailures: settings.login_rate_limit.max_failures,
    windowMs: settings.login_rate_limit.window_s * 1000,
    lockoutMs: settings.login_rate_limit.lockout_s * 1000,
    // Many addresses failing on one name: guessing. In the audit log and the log, and sent to the administrators.
    onAlarm: async (userName, addresses) => {
      options.log.error({ user: userName, addresses }, 'password guessing: one user name failing from many addresses');
      await writeAudit(db, { id: null, name: userName, role: 'anonymous' }, { action: 'alarm.password_guessing', detail: `${addresses} addresses in 15 minutes` }, now());
      await options.onPasswordGuessing?.(userName, addresses);
    },
  });

  const app = Fastify({
    loggerInstance: options.log,
    trustProxy: settings.trust_proxy,
    bodyLimit: 64 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'camwatch API', version: '0.1.0', description: 'Camera health, incidents, uptime and reports. Times are UTC epoch milliseconds.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });

  app.setErrorHandler((error: Error & { statusCode?: number; validation?: unknown; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (error.validation) return reply.code(400).send({ error: 'bad_request', message: error.message });
    if (status < 500) return reply.code(status).send({ error: error.code ?? 'error', message: error.message });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'Internal error' });
  });

  app.server.maxConnections = MAX_CONNECTIONS;
  // First of all hooks: before a request costs anything (auth, parsing), it waits its turn.
  const gate = new RequestGate(GATE.maxActive, GATE.maxWaiting);
  const admitted = new WeakSet<FastifyRequest>();
  const leave = (request: FastifyRequest) => {
    if (admitted.delete(request)) gate.leave();
  };
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    if (!(await gate.enter())) return reply.code(503).header('retry-after', '5').send({ error: 'busy', message: 'The server is busy; try again in a few seconds' });
    admitted.add(request);
  });
  // The slot is freed once the answer is ready to send (a live view then streams outside the gate).
  app.addHook('onSend', async (request, _reply, payload) => {
    leave(request);
    return payload;
  });
  app.addHook('onResponse', async (request) => leave(request));
  app.addHook('onRequestAbort', async (request) => leave(request));

  app.addHook('onRequest', async (request, reply) => {
    if (crossSiteWrite(request, publicOrigin)) return reply.code(403).send({ error: 'forbidden', message: 'Cross-site request refused: send it from the dashboard, or with an Authorization: Bearer token' });
    if (request.routeOptions.config.public) return;
    const token = tokenOf(request);
    const user = token ? await sessionUser(db, token, now()) : undefined;
    if (!user) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'Log in first' });
    request.user = user;
    const roles = request.routeOptions.config.roles;
    if (roles && !roles.includes(user.role)) return reply.code(403).send({ error: 'forbidden', message: 'Your role may not do this' });
  });

  // Someone asking for a camera or incident outside their scope gets the same 404 as for one that
  // does not exist; the attempt is still written down for the admins.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode !== 404 || !request.user) return;
    const params = request.params as { id?: string | number } | undefined;
    const route = request.routeOptions.url ?? '';
    if (params?.id === undefined) return;
    if (route.startsWith('/api/cameras/:id') && await findCamera(db, String(params.id))) {
      await writeAudit(db, request.user, { action: 'denied.out_of_scope', cameraId: String(params.id), detail: `${request.method} ${route}`, ip: request.ip }, now());
    } else if (route.startsWith('/api/incidents/:id') && await getIncident(db, Number(params.id))) {
      await writeAudit(db, request.user, { action: 'denied.out_of_scope', incidentId: Number(params.id), detail: `${request.method} ${route}`, ip: request.ip }, now());
    }
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    // A page with a form of its own (the public registration) says same-origin: under no-referrer a browser posts with Origin: null, which the CSRF rule refuses.
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (typeof payload !== 'string') return payload;
    return redactSecrets(payload, secrets);
  });

  // --- public ---------------------------------------------------------------------------------
  app.get(
    '/healthz',
    { config: { public: true }, schema: { tags: ['operations'], summary: 'Liveness: the process answers and the database is readable', security: [], response: { 200: { type: 'object', properties: { status: str, db: bool } }, 503: { type: 'object', properties: { status: str, db: bool } } } } },
    async (_request, reply) => {
      try {
        await db.get('SELECT 1');
        return { status: 'ok', db: true };
      } catch {
        return reply.code(503).send({ status: 'error', db: false });
      }
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in; sets the session cookie and returns the same token for Authorization: Bearer',
        security: [],
        body: { type: 'object', properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } }, required: ['username', 'password'], additionalProperties: false },
        response: { 200: { type: 'object', properties: { token: str, expires_at: int, user: userSchema } }, ...errors },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const keys = LoginLimiter.keys(username, request.ip);
      const wait = await limiter.attempt(keys, now());
      const stranger = { id: null, name: username.slice(0, 64), role: 'anonymous' as const };
      if (wait > 0) {
        await writeAudit(db, stranger, { action: 'user.login_refused', ip: request.ip }, now());
        request.log.warn({ ip: request.ip, user: username }, 'login refused: too many failures');
        return reply.code(429).header('retry-after', String(Math.ceil(wait / 1000))).send({ error: 'too_many_attempts', message: 'Too many failed logins; try again later' });
      }
      const user = await authenticate(db, username, password).catch(async (error: unknown) => {
        await limiter.fail(keys, now());
        throw error;
      });
      if (!user) {
        await limiter.fail(keys, now());
        await writeAudit(db, stranger, { action: 'user.login_failed', ip: request.ip }, now());
        request.log.warn({ ip: request.ip, user: username }, 'login failed');
        return reply.code(401).send({ error: 'unauthorized', message: 'Wrong user name or password' });
      }
      await limiter.succeed(keys);
      const session = await createSession(db, user, settings.session_ttl_hours * 3_600_000, request.ip, now());
      await writeAudit(db, user, { action: 'user.login', ip: request.ip }, now());
      // Secure when people use https: by the configured address, or as a trusted proxy says.
      const secure = secureCookie || request.protocol === 'https';
      const cookie = [`${SESSION_COOKIE}=${session.token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(settings.session_ttl_hours * 3600)}`, ...(secure ? ['Secure'] : [])];
      reply.header('set-cookie', cookie.join('; '));
      return { token: session.token, expires_at: session.expiresAt, user: userJson(user) };
    },
  );

  // --- authenticated --------------------------------------------------------------------------
  app.post('/api/logout', { schema: { tags: ['auth'], summary: 'End this session', response: { 204: { type: 'null' }, ...errors } } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request);
    if (token) await endSession(db, token);
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { tags: ['auth'], summary: 'The logged-in user', response: { 200: userSchema, ...errors } } }, async (request) => userJson(currentUser(request)));

  const metrics = databaseMetrics(db);
  app.get(
    '/metrics',
    { config: { roles: ['admin', 'viewer'] }, schema: { tags: ['operations'], summary: 'Prometheus metrics (scrape with a bearer token)', produces: ['text/plain'], response: { 200: { type: 'string' }, ...errors } } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.metrics()),
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (scoped) => inventoryRoutes(scoped, deps));
  await app.register(async (scoped) => incidentRoutes(scoped, deps));
  await app.register(async (scoped) => falseAlarmRoutes(scoped, deps));
  await app.register(async (scoped) => reportRoutes(scoped, deps));
  await app.register(async (scoped) => scheduleRoutes(scoped, deps));
  await app.register(async (scoped) => userRoutes(scoped, deps));
  await app.register(async (scoped) => maintenanceVisitRoutes(scoped, deps));
  await app.register(async (scoped) => publicStatusRoutes(scoped, deps));
  await app.register(async (scoped) => discoveryRoutes(scoped, deps));
  await app.register(async (scoped) => registrationRoutes(scoped, deps, { live: Boolean(options.ffmpeg) }));
  await app.register(async (scoped) => mapRoutes(scoped, deps));
  if (options.ffmpeg) {
    const live = new LiveStreams({ ffmpeg: options.ffmpeg, maxStreams: settings.live_max_streams, maxTranscodes: settings.live_max_transcodes ?? defaultMaxTranscodes() });
    app.addHook('onClose', async () => live.stopAll());
    await app.register(async (scoped) => liveRoutes(scoped, deps, live));
    const recorder = new ClipRecorder({ ffmpeg: options.ffmpeg, maxConcurrent: settings.evidence_clips.max_concurrent });
    await app.register(async (scoped) => clipRoutes(scoped, deps, recorder));
  }
  registerDashboardAssets(app, { tileSource: tileImageSource(deps) });
  return app;
}

export type Server = Awaited<ReturnType<typeof buildServer>>;
