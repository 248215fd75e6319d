/**
 * Routine maintenance under the contracts (planned downtime is /api/maintenance, routes/incidents.ts):
 * the schedule of every camera in scope and the overdue list, the visits contractors log from a
 * phone (what was done, by whom, photos) and the photos themselves. A contractor logs and sees its
 * own contract's cameras only (scope.ts); administrators all. Every write and photo view is audited.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { MAINTENANCE_TASKS } from '../../config/schema.js';
import { writeAudit } from '../../store/audit.js';
import { findCamera } from '../../store/inventory.js';
import { getIncident } from '../../store/incidents.js';
import { findVisits, getPhoto, getVisit, insertPhoto, insertVisit, photosOf, type PhotoRow, type VisitRow } from '../../store/maintenance-visits.js';
import { needsVisit, parseTasks, upkeep, type UpkeepLine } from '../../health/upkeep.js';
import { Inventory } from '../../inventory/inventory.js';
import { currentUser, errors, forbidden, idPattern, int, notFound, nullable, numericIdParams, scopeOf, str, time, type App, type ServerDeps } from '../context.js';

/** A phone photo is 2-6 MB; beyond this it is not a photo of a camera. */
export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;
export const PHOTOS_PER_VISIT = 10;
/** A visit is logged on site or soon after, never ahead (a clock a few minutes fast is tolerated). */
const FUTURE_SLACK_MS = 10 * 60_000;

/** The type a photo's first bytes prove; what the phone declared is not trusted. */
export function photoType(bytes: Buffer): 'image/jpeg' | 'image/png' | undefined {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length > 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

/** Photos live beside the evidence, in a folder retention never walks (it starts with "_", which no camera id does). */
export const photoFolder = (evidenceDir: string) => path.join(evidenceDir, '_maintenance-photos');
const photoFile = (evidenceDir: string, photo: Pick<PhotoRow, 'sha256' | 'content_type'>) =>
  path.join(photoFolder(evidenceDir), `${photo.sha256}.${photo.content_type === 'image/png' ? 'png' : 'jpg'}`);

const photoSchema = { type: 'object', properties: { id: int, sha256: str, content_type: str, bytes: int, created_at: time } } as const;
const visitSchema = {
  type: 'object',
  properties: {
    id: int, camera_id: str, camera_name: str, contractor_id: nullable(str), visited_at: time, tasks: { type: 'array', items: str }, technician: str, note: str,
    incident_id: nullable(int), user_name: str, created_at: time, photos: { type: 'array', items: photoSchema },
  },
} as const;
const upkeepSchema = {
  type: 'object',
  properties: {
    camera_id: str, camera_name: str, unit_id: str, unit_name: str, contractor_id: str, contractor_name: str, every_days: nullable(int),
    tasks: { type: 'array', items: str }, status: str, reason: nullable(str), late_tasks: { type: 'array', items: str },
    last_visit_at: nullable(time), due_at: nullable(time), degrading_at: nullable(time),
    open_incident: nullable({ type: 'object', properties: { id: int, kind: str } }),
  },
} as const;

export function maintenanceVisitRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;
  const folder = photoFolder(deps.evidenceDir);

  // Photos come as the raw file (the phone's File as the request body): no multipart to parse.
  app.addContentTypeParser(['image/jpeg', 'image/png', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: PHOTO_MAX_BYTES }, (_request, body, done) => done(null, body));

  const visitJson = async (visits: VisitRow[]) => {
    const photos = await photosOf(db, visits.map((v) => v.id));
    const inventory = await Inventory.load(db);
    return visits.map((v) => ({
      ...v,
      camera_name: inventory.cameras.get(v.camera_id)?.name ?? v.camera_id,
      tasks: parseTasks(v.tasks),
      photos: photos.filter((p) => p.visit_id === v.id),
    }));
  };

  const upkeepJson = async (lines: UpkeepLine[]) => {
    const inventory = await Inventory.load(db);
    return Promise.all(lines.map(async (l) => {
      const camera = inventory.cameras.get(l.cameraId);
      const incident = l.openIncidentId === null ? undefined : await getIncident(db, l.openIncidentId);
      return {
        camera_id: l.cameraId, camera_name: camera?.name ?? l.cameraId, unit_id: camera?.unit_id ?? '', unit_name: inventory.unitName(camera?.unit_id ?? ''),
        contractor_id: l.contractorId, contractor_name: inventory.contractorName(l.contractorId), every_days: l.everyDays, tasks: l.tasks, status: l.status, reason: l.reason,
        late_tasks: l.lateTasks, last_visit_at: l.lastVisitAt, due_at: l.dueAt, degrading_at: l.degradingAt, open_incident: incident ? { id: incident.id, kind: incident.kind } : null,
      };
    }));
  };

  /** The visit if it exists and its camera is in the user's scope. */
  const visibleVisit = async (request: FastifyRequest, id: number) => {
    const visit = await getVisit(db, id);
    return visit && (await scopeOf(request, db)).seesCamera(visit.camera_id) ? visit : undefined;
  };

  for (const [route, which, summary] of [
    ['/api/maintenance/schedule', () => true, 'Every camera in your scope that has a contractor, with its routine maintenance: tasks, interval, last visit, when due'],
    ['/api/maintenance/overdue', needsVisit, 'Cameras due a maintenance visit: a scheduled task past its interval or never done, or a picture slowly degrading since the last visit'],
  ] as const) {
    app.get(route, { schema: { tags: ['maintenance'], summary, response: { 200: { type: 'array', items: upkeepSchema }, ...errors } } }, async (request) => {
      const scope = await scopeOf(request, db);
      const lines = (await upkeep(db, deps.now())).filter((l) => scope.seesCamera(l.cameraId) && which(l));
      // The longest overdue first: never done, then by due date; due-early (degrading) after.
      return upkeepJson(lines.sort((a, b) => (a.dueAt ?? -Infinity) - (b.dueAt ?? -Infinity) || a.cameraId.localeCompare(b.cameraId)));
    });
  }

  app.get<{ Querystring: { camera?: string; incident?: number; from?: number; to?: number; limit: number } }>(
    '/api/maintenance/visits',
    {
      schema: {
        tags: ['maintenance'],
        summary: 'Maintenance visits in your scope, newest first',
        querystring: {
          type: 'object',
          properties: { camera: { type: 'string', pattern: idPattern }, incident: { type: 'integer', minimum: 1 }, from: time, to: time, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: visitSchema }, ...errors },
      },
    },
    async (request) => {
      const scope = await scopeOf(request, db);
      const q = request.query;
      const visits = (await findVisits(db, { cameraId: q.camera, incidentId: q.incident, from: q.from, to: q.to })).filter((v) => scope.seesCamera(v.camera_id));
      return visitJson(visits.slice(0, q.limit));
    },
  );

  app.post<{ Body: { camera_id: string; visited_at?: string; tasks: string[]; technician?: string; note?: string; incident_id?: number | null } }>(
    '/api/maintenance/visits',
    {
      config: { roles: ['admin', 'contractor'] },
      schema: {
        tags: ['maintenance'],
        summary: 'Log a maintenance visit to a camera (contractors: their cameras only); link it to the open incident it found. Audited.',
        body: {
          type: 'object',
          properties: {
            camera_id: { type: 'string', pattern: idPattern, maxLength: 100 },
            visited_at: { type: 'string', format: 'date-time' },
            tasks: { type: 'array', items: { type: 'string', enum: [...MAINTENANCE_TASKS] }, minItems: 1, uniqueItems: true },
            technician: { type: 'string', maxLength: 100 },
            note: { type: 'string', maxLength: 2000, default: '' },
            incident_id: { type: 'integer', minimum: 1, nullable: true },
          },
          required: ['camera_id', 'tasks'],
          additionalProperties: false,
        },
        response: { 201: visitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const b = request.body;
      const camera = await findCamera(db, b.camera_id);
      if (!camera || camera.retired_at !== null || !(await scopeOf(request, db)).seesCamera(camera.id)) return notFound(reply);
      const now = deps.now();
      const visitedAt = b.visited_at === undefined ? now : Date.parse(b.visited_at);
      if (visitedAt > now + FUTURE_SLACK_MS) return reply.code(400).send({ error: 'visit_in_future', message: 'A visit is logged once it is done: visited_at is in the future' });
      if (b.incident_id) {
        const incident = await getIncident(db, b.incident_id);
        if (!incident || incident.camera_id !== camera.id || incident.resolved_at !== null) {
          return reply.code(400).send({ error: 'incident_not_open', message: "incident_id must be this camera's open incident" });
        }
      }
      const visit = await insertVisit(
        db,
        {
          cameraId: camera.id, contractorId: camera.contractor_id, visitedAt, tasks: b.tasks, technician: b.technician?.trim() || user.name, note: b.note ?? '',
          incidentId: b.incident_id ?? null, user: { id: user.id, name: user.name },
        },
        now,
      );
      await writeAudit(db, user, { action: 'maintenance.visit', cameraId: camera.id, incidentId: visit.incident_id ?? undefined, detail: `visit ${visit.id}: ${b.tasks.join(', ')}`, ip: request.ip }, now);
      return reply.code(201).send((await visitJson([visit]))[0]);
    },
  );

  app.post<{ Params: { id: number }; Body: Buffer }>(
    '/api/maintenance/visits/:id/photos',
    {
      config: { roles: ['admin', 'contractor'] },
      bodyLimit: PHOTO_MAX_BYTES,
      schema: {
        tags: ['maintenance'],
        summary: `Add a photo to a visit: the file itself as the body (image/jpeg or image/png, at most ${PHOTO_MAX_BYTES / 1024 / 1024} MB, ${PHOTOS_PER_VISIT} per visit); checked by its first bytes. Audited.`,
        params: numericIdParams,
        consumes: ['image/jpeg', 'image/png'],
        response: { 201: photoSchema, ...errors, 409: errors[400], 413: errors[400], 415: errors[400] },
      },
    },
    async (request, reply) => {
      const visit = await visibleVisit(request, request.params.id);
      if (!visit) return notFound(reply);
      const body = request.body;
      const type = Buffer.isBuffer(body) ? photoType(body) : undefined;
      if (!Buffer.isBuffer(body) || !type) return reply.code(415).send({ error: 'bad_photo', message: 'A photo is a JPEG or PNG file' });
      if ((await photosOf(db, [visit.id])).length >= PHOTOS_PER_VISIT) return reply.code(409).send({ error: 'too_many_photos', message: `At most ${PHOTOS_PER_VISIT} photos per visit` });
      const sha256 = createHash('sha256').update(body).digest('hex');
      await mkdir(folder, { recursive: true });
      // Named by content: the same photo twice is one file.
      await writeFile(photoFile(deps.evidenceDir, { sha256, content_type: type }), body, { mode: 0o640 });
      const photo = await insertPhoto(db, { visitId: visit.id, sha256, contentType: type, bytes: body.length }, deps.now());
      await writeAudit(db, currentUser(request), { action: 'maintenance.photo', cameraId: visit.camera_id, detail: `visit ${visit.id}: sha256 ${sha256}`, ip: request.ip }, deps.now());
      return reply.code(201).send(photo);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/maintenance/photos/:id',
    {
      schema: {
        tags: ['maintenance'],
        summary: 'A visit photo; viewers are refused those of private cameras (they may show the owner’s premises). Audited.',
        params: numericIdParams,
        produces: ['image/jpeg', 'image/png'],
        response: { 200: { type: 'string', format: 'binary' }, ...errors },
      },
    },
    async (request, reply) => {
      const photo = await getPhoto(db, request.params.id);
      const visit = photo && await visibleVisit(request, photo.visit_id);
      const camera = visit && await findCamera(db, visit.camera_id);
      if (!photo || !camera) return notFound(reply);
      const user = currentUser(request);
      if (user.role === 'viewer' && camera.owner_type !== 'public') return forbidden(reply, 'Photos of a private camera are personal data: your role may not view them', 'private_images');
      const bytes = await readFile(photoFile(deps.evidenceDir, photo)).catch(() => undefined);
      // A file that no longer matches its hash is not served as what was logged.
      if (!bytes || createHash('sha256').update(bytes).digest('hex') !== photo.sha256) return notFound(reply);
      await writeAudit(db, user, { action: 'maintenance.photo_view', cameraId: camera.id, detail: `photo ${photo.id}`, ip: request.ip }, deps.now());
      reply.header('cache-control', 'no-store, private');
      return reply.type(photo.content_type).send(bytes);
    },
  );
}
