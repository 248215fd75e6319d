/**
 * The dashboard's files: one HTML page, a shell, a shared module and one ES module per view, served as
 * they are (no build step), and the map library (Leaflet, from node_modules) so that the map works on
 * a closed network.
 * They hold no data, so they are public like the login form they contain; every API call they
 * make is authenticated.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { PACKAGE_ROOT } from '../../paths.js';

const PUBLIC_DIR = path.join(PACKAGE_ROOT, 'src/server/dashboard/public');
const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' };
/** Every file the page may load, read once at start: the shell, the shared module, one module per view. */
const OWN_ASSETS = ['app.js', 'core.js', 'i18n.js', 'app.css', ...readdirSync(path.join(PUBLIC_DIR, 'views')).filter((name) => name.endsWith('.js')).map((name) => `views/${name}`)];
/** Leaflet's ES module build and its stylesheet, by the name the page asks for. */
const LEAFLET_DIR = path.dirname(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.css'));
const VENDOR: Record<string, string> = { 'vendor/leaflet.js': path.join(LEAFLET_DIR, 'leaflet-src.esm.js'), 'vendor/leaflet.css': path.join(LEAFLET_DIR, 'leaflet.css') };
const ASSETS = [...OWN_ASSETS, ...Object.keys(VENDOR)];

export interface AssetOptions {
  /** the origin of online map tiles (e.g. https://*.tile.openstreetmap.org), which the page may then load pictures from */
  tileSource?: string | undefined;
}

export function registerDashboardAssets(app: FastifyInstance, options: AssetOptions = {}): void {
  const files = new Map(['index.html', ...ASSETS].map((name) => [name, readFileSync(VENDOR[name] ?? path.join(PUBLIC_DIR, name))]));
  const images = ["'self'", 'blob:', 'data:', ...(options.tileSource ? [options.tileSource] : [])].join(' ');
  const security = {
    'content-security-policy': `default-src 'self'; img-src ${images}; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'`,
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
  app.get<{ Params: { file: string } }>('/assets/vendor/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => asset(`vendor/${request.params.file}`, reply));
  app.get<{ Params: { file: string } }>('/assets/views/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => asset(`views/${request.params.file}`, reply));
}
