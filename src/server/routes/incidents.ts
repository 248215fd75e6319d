/** Incidents (list, one, evidence image, acknowledge, resolve) and maintenance windows. */
import { findIncidents, getIncident, type Incident } from '../../store/incidents.js';
import { findCamera, findUnit } from '../../store/inventory.js';
import { addMaintenance, MaintenanceError } from '../../health/maintenance.js';
import { getWindow, windowsOverlapping } from '../../store/maintenance.js';
import { acknowledgeByHand, describeManual, repairedByContractor, resolveByHand } from '../../health/manual.js';
import { seesIncident } from '../scope.js';
import type { SessionUser } from '../auth.js';
import { Inventory } from '../../inventory/inventory.js';
import { sendCameraImage } from './inventory.js';
import {
  badRequest, bool, currentUser, detailFor, errors, forbidden, idPattern, int, notFound, nullable, numericIdParams, scopeOf, str, time,
  type App, type ServerDeps,
} from '../context.js';

export const incidentSchema = {
  type: 'object',
  properties: {
    id: int, scope: str, camera_id: nullable(str), unit_id: nullable(str), group_id: nullable(int), kind: str, detail: nullable(str),
    opened_at: time, acknowledged_at: nullable(time), acknowledged_by: nullable(str), resolved_at: nullable(time), resolved_by: nullable(str),
    contractor_id: nullable(str), has_evidence: bool, open: bool,
  },
} as const;

/** `detail`: an image finding in words, or the technical detail of a failure for administrators only (null for others). */
const incidentJson = (i: Incident, user: SessionUser) => ({
  id: i.id, scope: i.scope, camera_id: i.camera_id, unit_id: i.unit_id, group_id: i.group_id, kind: i.kind, detail: detailFor(user, i.kind, i.detail), opened_at: i.opened_at,
  acknowledged_at: i.acknowledged_at, acknowledged_by: i.acknowledged_by, resolved_at: i.resolved_at, resolved_by: i.resolved_by,
  contractor_id: i.contractor_id, has_evidence: i.evidence_path !== null, open: i.resolved_at === null,
});

const maintenanceSchema = {
  type: 'object',
  properties: { id: int, camera_id: nullable(str), unit_id: nullable(str), starts_at: time, ends_at: time, reason: str, created_by: nullable(str), created_at: time },
} as const;

interface IncidentQuery {
  open?: boolean;
  unit?: string;
  camera?: string;
  contractor?: string;
  kind?: string;
  scope?: 'camera' | 'unit' | 'server';
  from?: number;
  to?: number;
  limit: number;
}

export function incidentRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;

  /** The incident if it exists and is in the user's scope; undefined (→ 404) otherwise. */
  const visibleIncident = async (request: Parameters<typeof scopeOf>[0], id: number) => {
    const incident = await getIncident(db, id);
    return incident && seesIncident(await scopeOf(request, db), incident) ? incident : undefined;
  };

  app.get<{ Querystring: IncidentQuery }>(
    '/api/incidents',
    {
      schema: {
        tags: ['incidents'],
        summary: 'Incidents you may see, newest first',
        querystring: {
          type: 'object',
          properties: {
            open: { type: 'boolean' }, unit: { type: 'string', pattern: idPattern }, camera: { type: 'string', pattern: idPattern }, contractor: { type: 'string', pattern: idPattern },
            kind: { type: 'string', maxLength: 64 }, scope: { type: 'string', enum: ['camera', 'unit', 'server'] }, from: time, to: time,
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: incidentSchema }, ...errors },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const q = request.query;
      if ((q.unit && !scope.seesUnit(q.unit)) || (q.camera && !scope.seesCamera(q.camera))) return notFound(reply);
      const inventory = await Inventory.load(db);
      const subtree = q.unit ? inventory.subtree(q.unit) : undefined;
      const rows = (await findIncidents(db, { open: q.open, cameraId: q.camera, contractorId: q.contractor, kind: q.kind, scope: q.scope, from: q.from, to: q.to }))
        .filter((i) => seesIncident(scope, i))
        .filter((i) => !subtree || subtree.has(i.unit_id ?? inventory.cameras.get(i.camera_id ?? '')?.unit_id ?? ''));
      return rows.slice(0, q.limit).map((row) => incidentJson(row, currentUser(request)));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/incidents/:id',
    { schema: { tags: ['incidents'], summary: 'One incident', params: numericIdParams, response: { 200: incidentSchema, ...errors } } },
    async (request, reply) => {
      const incident = await visibleIncident(request, request.params.id);
      return incident ? incidentJson(incident, currentUser(request)) : notFound(reply);
    },
  );

  app.get<{ Params: { id: number }; Querystring: { download?: boolean } }>(
    '/api/incidents/:id/evidence',
    {
      schema: {
        tags: ['incidents'],
        summary: 'The evidence frame of an image incident (JPEG); private cameras: police roles only; audited',
        params: numericIdParams,
        querystring: { type: 'object', properties: { download: { type: 'boolean', default: false } }, additionalProperties: false },
        produces: ['image/jpeg'],
        response: { 200: { type: 'string', format: 'binary' }, ...errors },
      },
    },
    async (request, reply) => {
      const incident = await visibleIncident(request, request.params.id);
      if (!incident?.camera_id) return notFound(reply);
      const camera = await findCamera(db, incident.camera_id);
      if (!camera) return notFound(reply);
      return sendCameraImage(deps, request, reply, camera, incident.evidence_path ?? undefined, { action: 'evidence', incidentId: incident.id, download: request.query.download });
    },
  );

  for (const [action, run] of [
    ['acknowledge', async (id: number, by: string) => await acknowledgeByHand(db, id, by, deps.now())],
    // A hand-closed incident is announced to everyone who was told of it.
    ['resolve', async (id: number, by: string) => await resolveByHand(db, id, by, deps.now(), deps.notify)],
  ] as const) {
    app.post<{ Params: { id: number } }>(
      `/api/incidents/:id/${action}`,
      {
        // A contractor acknowledges but does not close: closing by hand would stop its own repair clock.
        config: { roles: action === 'acknowledge' ? ['admin', 'commune_chief', 'contractor'] : ['admin', 'commune_chief'] },
        schema: {
          tags: ['incidents'],
          summary: action === 'acknowledge' ? 'Acknowledge: reminders and escalation stop; the incident stays open until the camera recovers' : 'Close an incident by hand',
          params: numericIdParams,
          response: { 200: { type: 'object', properties: { changed: bool, message: str, incident: incidentSchema } }, ...errors },
        },
      },
      async (request, reply) => {
        const incident = await visibleIncident(request, request.params.id);
        if (!incident) return notFound(reply);
        if (currentUser(request).role === 'contractor' && !repairedByContractor(incident)) {
          return forbidden(reply, 'This fault is not repaired under the maintenance contract (a refused password, an area outage): the commune police acknowledge it.', 'not_contract_repair');
        }
        const outcome = await run(incident.id, currentUser(request).name);
        if (!outcome) return notFound(reply);
        request.log.info({ incident: incident.id, action, user: currentUser(request).name }, 'incident ' + action);
        return { changed: outcome.changed, message: describeManual(outcome, deps.config.raw.locale), incident: incidentJson(outcome.incident, currentUser(request)) };
      },
    );
  }

  app.get<{ Querystring: { from?: number; to?: number; camera?: string; unit?: string } }>(
    '/api/maintenance',
    {
      schema: {
        tags: ['maintenance'],
        summary: 'Maintenance windows overlapping [from, to) (default: from 30 days ago on)',
        querystring: {
          type: 'object',
          properties: { from: time, to: time, camera: { type: 'string', pattern: idPattern }, unit: { type: 'string', pattern: idPattern } },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: maintenanceSchema }, ...errors },
      },
    },
    async (request) => {
      const scope = await scopeOf(request, db);
      const q = request.query;
      const from = q.from ?? deps.now() - 30 * 86_400_000;
      return (await windowsOverlapping(db, from, q.to ?? Number.MAX_SAFE_INTEGER))
        .reverse()
        .filter((w) => (w.camera_id ? scope.seesCamera(w.camera_id) : scope.user.role !== 'contractor' && scope.seesUnit(w.unit_id ?? '')))
        .filter((w) => (!q.camera || w.camera_id === q.camera) && (!q.unit || w.unit_id === q.unit));
    },
  );

  app.post<{ Body: { camera_id?: string; unit_id?: string; starts_at: string; ends_at: string; reason?: string } }>(
    '/api/maintenance',
    {
      config: { roles: ['admin', 'commune_chief', 'contractor'] },
      schema: {
        tags: ['maintenance'],
        summary: 'Plan a maintenance window for one camera or a unit subtree (contractors: their cameras only)',
        body: {
          type: 'object',
          properties: {
            camera_id: { type: 'string', pattern: idPattern }, unit_id: { type: 'string', pattern: idPattern },
            starts_at: { type: 'string', format: 'date-time' }, ends_at: { type: 'string', format: 'date-time' }, reason: { type: 'string', maxLength: 500, default: '' },
          },
          required: ['starts_at', 'ends_at'],
          additionalProperties: false,
        },
        response: { 201: maintenanceSchema, ...errors },
      },
    },
    async (request, reply) => {
      const scope = await scopeOf(request, db);
      const b = request.body;
      if (!b.camera_id === !b.unit_id) return badRequest(reply, 'give either camera_id or unit_id');
      if (b.camera_id && (!scope.seesCamera(b.camera_id) || !await findCamera(db, b.camera_id))) return notFound(reply);
      if (b.unit_id && (scope.user.role === 'contractor' || !scope.seesUnit(b.unit_id) || !await findUnit(db, b.unit_id))) return notFound(reply);
      const startsAt = Date.parse(b.starts_at);
      const endsAt = Date.parse(b.ends_at);
      let id: number;
      try {
        id = await addMaintenance(db, { cameraId: b.camera_id, unitId: b.unit_id, startsAt, endsAt, reason: b.reason, createdBy: currentUser(request).name }, deps.now(), scope.user.role === 'contractor');
      } catch (error) {
        if (error instanceof MaintenanceError) return badRequest(reply, error.message);
        throw error;
      }
      return reply.code(201).send(await getWindow(db, id));
    },
  );
}

