/**
 * The dashboard's files: one HTML page, a shell, a shared module and one ES module per view, served as
 * they are (no build step).
 * They hold no data, so they are public like the login form they contain; every API call they
 * make is authenticated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PACKAGE_ROOT } from '../../paths.js';

const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'src/server/dashboard/public');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
/** Every file the page may load, read once at start: the shell, the shared module, one module per view. */
const ASSETS = ['app.js', 'core.js', 'i18n.js', 'app.css', ...readdirSync(path.join(PUBLIC_DIR, 'views')).filter((name) => name.endsWith('.js')).map((name) => `views/${name}`)];

export function registerDashboardAssets(app: FastifyInstance): void {
  const files = new Map(['index.html', ...ASSETS].map((name) => [name, readFileSync(path.join(PUBLIC_DIR, name))]));
  const security = {
    'content-security-policy': "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'same-origin',
  };
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.headers({ ...security, 'content-type': TYPES['.html'], 'cache-control': 'no-cache' }).send(files.get('index.html')),
  );
  // The acknowledge link in alert messages: the dashboard shows the incident (after login) with its buttons.
  app.get<{ Params: { id: string } }>('/incidents/:id/ack', { config: { public: true }, schema: { hide: true } }, async (request, reply) =>
    /^\d{1,12}$/.test(request.params.id) ? reply.redirect(`/#/incident/${request.params.id}`) : reply.code(404).send({ error: 'not_found', message: 'no such incident' }),
  );
  const asset = async (name: string, reply: FastifyReply) => {
    const body = files.get(name);
    if (!body || !ASSETS.includes(name)) return reply.code(404).send({ error: 'not_found', message: 'no such file' });
    return reply.headers({ ...security, 'content-type': TYPES[path.extname(name)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).send(body);
  };
  app.get<{ Params: { file: string } }>('/assets/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => asset(request.params.file, reply));
  app.get<{ Params: { file: string } }>('/assets/views/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => asset(`views/${request.params.file}`, reply));
}
