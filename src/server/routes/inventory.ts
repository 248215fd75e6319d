/** Units, cameras (state, last check, metrics), check history and the latest snapshot. */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { addDays, localDay } from '../../health/calendar.js';
import { uptimeReport } from '../../health/uptime-query.js';
import { OWNER_TYPES } from '../../config/schema.js';
import { writeAudit } from '../../store/audit.js';
import { openCameraIncidentIds } from '../../store/incidents.js';
import { activeCameraStates, cameraListing, cameraListings, type CameraListing } from '../../store/camera-health.js';
import { findChecks, recentChecks, type CheckRow } from '../../store/checks.js';
import { imageDecision } from '../scope.js';
import type { SessionUser } from '../auth.js';
import { Inventory } from '../../inventory/inventory.js';
import {
  bool, cameraIdParams, currentUser, detailFor, errors, forbidden, idPattern, int, notFound, nullable, num, scopeOf, str, time,
  type App, type ServerDeps,
} from '../context.js';

export const cameraSchema = {
  type: 'object',
  properties: {
    id: str, name: str, unit_id: str, unit_name: str, location: str, lat: nullable(num), lon: nullable(num),
    owner_type: str,
    owner: { type: 'object', properties: { consent: nullable(bool), sharing: nullable(str), name: nullable(str), phone: nullable(str) } },
    contractor_id: nullable(str), host: str, port: int, tags: { type: 'array', items: str }, enabled: bool, retired: bool,
    state: str, state_since: nullable(time), last_check_at: nullable(time), last_image_ok: nullable(bool), fail_kind: nullable(str), image_kind: nullable(str),
    open_incident_id: nullable(int),
    image_allowed: bool,
  },
} as const;

function parseJson<T>(text: string | null, fallback: T): T {
  try {
    return text ? (JSON.parse(text) as T) : fallback;
  } catch {
    return fallback;
  }
}

function cameraJson(row: CameraListing, role: string, openIncidentId: number | undefined) {
  const owner = parseJson<{ consent?: boolean; sharing?: string; name?: string; phone?: string }>(row.owner, {});
  // owners' names and phone numbers are personal data: police roles only
  const police = role === 'admin' || role === 'commune_chief';
  return {
    id: row.id, name: row.name, unit_id: row.unit_id, unit_name: row.unit_name, location: row.location, lat: row.lat, lon: row.lon,
    owner_type: row.owner_type,
    owner: { consent: owner.consent ?? null, sharing: owner.sharing ?? null, name: police ? (owner.name ?? null) : null, phone: police ? (owner.phone ?? null) : null },
    contractor_id: row.contractor_id, host: row.onvif_host, port: row.onvif_port, tags: parseJson<string[]>(row.tags, []), enabled: row.enabled === 1, retired: row.retired_at !== null,
    state: row.state ?? 'unknown', state_since: row.since, last_check_at: row.last_check_at, last_image_ok: row.last_image_ok === null ? null : row.last_image_ok === 1,
    fail_kind: row.fail_kind, image_kind: row.image_kind, open_incident_id: openIncidentId ?? null,
    image_allowed: imageDecision(role as never, row).allowed,
  };
}

export const checkSchema = {
  type: 'object',
  properties: {
    id: int, camera_id: str, kind: str, started_at: time, last_at: nullable(time), repeat_count: int, duration_ms: num, duration_max_ms: nullable(num),
    status: str, error_kind: nullable(str), failed_stage: nullable(str), detail: nullable(str), image_ok: nullable(bool),
    findings: { type: 'array', items: str }, has_evidence: bool,
    observation: { type: 'object', additionalProperties: true },
  },
} as const;

/** `detail` is the probe's own words: for administrators only (see detailFor). */
const checkJson = (row: CheckRow, user: SessionUser) => ({
  id: row.id, camera_id: row.camera_id, kind: row.kind, started_at: row.started_at, last_at: row.last_at, repeat_count: row.repeat_count,
  duration_ms: row.duration_ms, duration_max_ms: row.duration_max_ms, status: row.status, error_kind: row.error_kind, failed_stage: row.failed_stage,
  detail: detailFor(user, row.error_kind, row.detail), image_ok: row.image_ok === null ? null : row.image_ok === 1, findings: parseJson<string[]>(row.findings, []),
  has_evidence: row.evidence_path !== null, observation: parseJson<Record<string, unknown>>(row.observation, {}),
});

/** The file, if it lies inside the evidence folder (a stored path is never trusted blindly). */
export function insideEvidence(evidenceDir: string, file: string): string | undefined {
  const root = path.resolve(evidenceDir);
  const resolved = path.resolve(root, file);
  return resolved.startsWith(root + path.sep) ? resolved : undefined;
}

/**
 * Sends a camera image after the privacy check, and records the view in the audit log.
 * Out-of-scope cameras were answered 404 before this is called.
 */
export async function sendCameraImage(
  deps: ServerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  camera: { id: string; owner_type: string; owner: string | null },
  file: string | undefined,
  what: { action: 'image' | 'evidence'; incidentId?: number | undefined; download?: boolean | undefined },
) {
  const user = currentUser(request);
  const decision = imageDecision(user.role, camera);
  if (!decision.allowed) {
    await writeAudit(deps.db, user, { action: `${what.action}.denied`, cameraId: camera.id, incidentId: what.incidentId, detail: decision.reason, ip: request.ip }, deps.now());
    return forbidden(reply, 'Images of this camera are private: your role may not view them', 'private_images');
  }
  const safe = file ? insideEvidence(deps.evidenceDir, file) : undefined;
  const bytes = safe ? await readFile(safe).catch(() => undefined) : undefined;
  if (!bytes) return reply.code(404).send({ error: 'no_image', message: 'No image is kept for this camera' });
  await writeAudit(deps.db, user, { action: `${what.action}.${what.download ? 'export' : 'view'}`, cameraId: camera.id, incidentId: what.incidentId, ip: request.ip }, deps.now());
  reply.header('cache-control', 'no-store, private');
  if (what.download) reply.header('content-disposition', `attachment; filename="${camera.id}-${what.action}.jpg"`);
  return reply.type('image/jpeg').send(bytes);
}

export function inventoryRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;
  const cameraRow = async (id: string) => await cameraListing(db, id);

  app.get<{ Querystring: { all?: boolean } }>(
    '/api/units',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Administrative units you may see, with camera counts by state',
        response: {
          200: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: str, code: nullable(str), name: str, kind: str, parent_id: nullable(str), population: nullable(int), area_km2: nullable(num),
                cameras: int, states: { type: 'object', additionalProperties: int },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const scope = await scopeOf(request, db);
      const cams = await activeCameraStates(db);
      const inventory = await Inventory.load(db);
      return [...inventory.units.values()]
        .filter((u) => u.retired_at === null && scope.seesUnit(u.id))
        .map(({ retired_at: _retired, ...u }) => {
          const subtree = inventory.subtree(u.id);
          const mine = cams.filter((c) => subtree.has(c.unit_id) && scope.seesCamera(c.id));
          const states: Record<string, number> = {};
          for (const c of mine) states[c.state] = (states[c.state] ?? 0) + 1;
          return { ...u, cameras: mine.length, states };
        });
    },
  );

  app.get<{ Querystring: { unit?: string; contractor?: string; owner_type?: string; state?: string; include_retired?: boolean } }>(
    '/api/cameras',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Cameras you may see, with their health state',
        querystring: {
          type: 'object',
          properties: {
            unit: { type: 'string', pattern: idPattern }, contractor: { type: 'string', pattern: idPattern }, owner_type: { type: 'string', enum: [...OWNER_TYPES] },
            state: { type: 'string', enum: ['online', 'degraded', 'offline', 'auth_failed', 'unknown'] }, include_retired: { type: 'boolean', default: false },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: cameraSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const q = request.query;
      if (q.unit && !scope.seesUnit(q.unit)) return notFound(reply);
      const subtree = q.unit ? (await Inventory.load(db)).subtree(q.unit) : undefined;
      const rows = await cameraListings(db);
      const openIncidents = await openCameraIncidentIds(db);
      return rows
        .filter((r) => scope.seesCamera(r.id))
        .filter((r) => q.include_retired || r.retired_at === null)
        .filter((r) => !subtree || subtree.has(r.unit_id))
        .filter((r) => !q.contractor || r.contractor_id === q.contractor)
        .filter((r) => !q.owner_type || r.owner_type === q.owner_type)
        .filter((r) => !q.state || (r.state ?? 'unknown') === q.state)
        .map((r) => cameraJson(r, scope.user.role, openIncidents.get(r.id)));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/cameras/:id',
    {
      schema: {
        tags: ['inventory'],
        summary: 'One camera: state, last check with its stage timings and device/stream info, uptime of the last 7 days',
        params: cameraIdParams,
        response: {
          200: {
            type: 'object',
            properties: {
              ...cameraSchema.properties,
              last_check: { ...checkSchema, nullable: true },
              uptime_7d: { type: 'object', properties: { availability: nullable(num), image_ok: nullable(num), known_ms: int, checks: int, failures: int } },
              image_available: bool,
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const row = scope.seesCamera(request.params.id) ? await cameraRow(request.params.id) : undefined;
      if (!row) return notFound(reply);
      const [last] = await recentChecks(db, row.id, 1);
      const today = localDay(deps.now(), deps.timeZone);
      const [line] = await uptimeReport(db, { fromDay: addDays(today, -6), toDay: today, cameraIds: new Set([row.id]) }, 'camera');
      const latest = insideEvidence(deps.evidenceDir, path.join(row.id, 'latest.jpg'));
      const available = latest ? await access(latest).then(() => true, () => false) : false;
      return {
        ...cameraJson(row, scope.user.role, (await openCameraIncidentIds(db)).get(row.id)),
        last_check: last ? checkJson(last, currentUser(request)) : null,
        uptime_7d: { availability: line?.availability ?? null, image_ok: line?.imageOk ?? null, known_ms: line?.knownMs ?? 0, checks: line?.checks ?? 0, failures: line?.failures ?? 0 },
        image_available: available,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { from?: number; to?: number; status?: string; limit: number } }>(
    '/api/cameras/:id/checks',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Check history of a camera, newest first (runs of plain healthy checks are one row with repeat_count)',
        params: cameraIdParams,
        querystring: {
          type: 'object',
          properties: { from: time, to: time, status: { type: 'string', enum: ['ok', 'warn', 'fail'] }, limit: { type: 'integer', minimum: 1, maximum: 5000, default: 200 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: checkSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      if (!scope.seesCamera(request.params.id) || !await cameraRow(request.params.id)) return notFound(reply);
      const q = request.query;
      return (await findChecks(db, request.params.id, q)).map((row) => checkJson(row, currentUser(request)));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { download?: boolean } }>(
    '/api/cameras/:id/image',
    {
      schema: {
        tags: ['inventory'],
        summary: 'The latest snapshot (JPEG). Private cameras: police roles only. Every view is written to the audit log.',
        params: cameraIdParams,
        querystring: { type: 'object', properties: { download: { type: 'boolean', default: false } }, additionalProperties: false },
        produces: ['image/jpeg'],
        response: { 200: { type: 'string', format: 'binary' }, ...errors },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const row = scope.seesCamera(request.params.id) ? await cameraRow(request.params.id) : undefined;
      if (!row) return notFound(reply);
      return sendCameraImage(deps, request, reply, row, path.join(row.id, 'latest.jpg'), { action: 'image', download: request.query.download });
    },
  );
}
