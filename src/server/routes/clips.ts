/**
 * Evidence clips (issue 17, item 3): a police user (admin, or the commune police for its own
 * cameras) asks for a camera's stream to be recorded now, for a bounded time and with a reason.
 * The clip is kept under the evidence folder with its SHA-256; every step of its life (asked,
 * started, recorded or failed, downloaded, sheet issued, refused as altered) is an audit entry
 * naming the clip, and the chain-of-custody sheet lists them. Contractors and viewers: 403.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { sha256Of, type ClipRecorder } from '../../live/recorder.js';
import { ChromiumMissingError } from '../../reports/chromium.js';
import { clipAction, custodySheetHtml, type ClipStep } from '../../reports/custody.js';
import { PrinterBusyError, toPdf } from '../../reports/pdf.js';
import { LOCALES, type Locale } from '../../i18n/index.js';
import { clipTrail, writeAudit } from '../../store/audit.js';
import { readHealth } from '../../store/camera-health.js';
import { clipBytes, failInterruptedClips, getClip, insertClip, listClips, markClipFailed, markClipReady, markClipStarted, setClipMethod, setClipRange, type ClipRow } from '../../store/clips.js';
import { findCamera, findUnit } from '../../store/inventory.js';
import { imageDecision } from '../scope.js';
import type { SessionUser } from '../auth.js';
import { currentUser, errors, forbidden, idPattern, int, notFound, nullable, numericIdParams, scopeOf, str, time, type App, type ServerDeps } from '../context.js';
import { cameraAccess, cameraStreamSource } from './live.js';
import { findReplay } from '../../probe/replay.js';
import type { OnvifTarget } from '../../probe/onvif.js';
import { insideEvidence } from './inventory.js';

const POLICE = ['admin', 'commune_chief'] as const;
/** The whole Profile G search (clock, capabilities, FindRecordings, results, GetReplayUri). */
const PROFILE_G_DEADLINE_MS = 15_000;
const LIVE_NOW = 'recorded live, now';

/**
 * A past range asked for: undefined for "record now" (duration_s), the range, or what is wrong
 * with the request. The range ends no later than now and lasts between MIN_CLIP_S and the limit.
 */
export function pastRange(body: { duration_s?: number; from?: string; to?: string }, maxS: number, now: number): { from: number; to: number } | undefined | string {
  const asked = body.from !== undefined || body.to !== undefined;
  if (asked === (body.duration_s !== undefined)) return 'Give either duration_s (record now) or from and to (a past range)';
  if (!asked) return undefined;
  const from = Math.floor(Date.parse(body.from ?? '') / 1000) * 1000;
  const to = Math.floor(Date.parse(body.to ?? '') / 1000) * 1000;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'from and to must both be ISO 8601 times';
  if (to > now) return 'The range must end no later than now';
  const seconds = (to - from) / 1000;
  if (seconds < MIN_CLIP_S || seconds > maxS) return `The range must last between ${MIN_CLIP_S} and ${maxS} seconds`;
  return { from, to };
}
export const MIN_CLIP_S = 3;
const REASON = { minLength: 5, maxLength: 500 } as const;
/** Not a camera id (ids start with a letter or digit): image retention and camera folders never meet it. */
const CLIPS_FOLDER = '_clips';

const clipSchema = {
  type: 'object',
  properties: {
    id: int, camera_id: str, camera_name: str, requested_by: str, role: str, reason: str, duration_s: int,
    requested_at: time, started_at: nullable(time), ended_at: nullable(time), status: str,
    bytes: nullable(int), sha256: nullable(str), error: nullable(str),
    range_from: nullable(time), range_to: nullable(time), method: nullable(str), method_note: nullable(str),
  },
} as const;

export async function clipRoutes(app: App, deps: ServerDeps, recorder: ClipRecorder) {
  const { db, settings } = deps;
  const limits = settings.evidence_clips;

  const clipJson = async (clip: ClipRow) => ({ ...clip, camera_name: (await findCamera(db, clip.camera_id))?.name ?? clip.camera_id });

  const audit = async (user: { id: number | null; name: string; role: SessionUser['role'] | 'cli' }, clip: ClipRow | { id: number; camera_id: string }, step: ClipStep, detail?: string, ip?: string) =>
    await writeAudit(db, user, { action: clipAction(step), cameraId: clip.camera_id, clipId: clip.id, detail, ip }, deps.now());

  // At shutdown, recordings under way are stopped and written down as failed before the database closes.
  const unsettled = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    recorder.stopAll();
    await Promise.allSettled(unsettled);
  });

  // Recordings cut off by the last stop are failed now: a request is never left "recording" for ever.
  for (const id of await failInterruptedClips(db, deps.now())) {
    const clip = await getClip(db, id);
    if (clip) await audit({ id: null, name: 'camwatch', role: 'cli' }, clip, 'failed', clip.error ?? undefined);
  }

  /** The clip if the user may see it: police roles, the camera in scope. Otherwise undefined (404). */
  const visibleClip = async (request: FastifyRequest<{ Params: { id: number } }>) => {
    const clip = await getClip(db, request.params.id);
    return clip && (await scopeOf(request, db)).seesCamera(clip.camera_id) ? clip : undefined;
  };

  app.post<{ Body: { camera_id: string; duration_s?: number; from?: string; to?: string; reason: string } }>(
    '/api/clips',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['evidence'],
        summary:
          'An evidence clip (police roles; reason required; audited). With duration_s: the camera recorded now, without transcoding. With from and to (a past range): ' +
          'fetched from the camera or NVR through ONVIF Profile G replay; failing that (no replay service, no recording of the range), recorded now for as long, and the clip says why. ' +
          'Answers at once; the clip is obtained in the background.',
        body: {
          type: 'object',
          properties: {
            camera_id: { type: 'string', pattern: idPattern, maxLength: 100 },
            duration_s: { type: 'integer', minimum: MIN_CLIP_S, maximum: limits.max_duration_s },
            from: { type: 'string', format: 'date-time', description: 'start of a past range (ISO 8601)' },
            to: { type: 'string', format: 'date-time', description: 'end of the range; no later than now' },
            reason: { type: 'string', ...REASON },
          },
          required: ['camera_id', 'reason'],
          additionalProperties: false,
        },
        response: { 202: clipSchema, 503: errors[404], 507: errors[404], ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { camera_id: cameraId } = request.body;
      const reason = request.body.reason.trim();
      if (reason.length < REASON.minLength) return reply.code(400).send({ error: 'reason_required', message: 'Say why the clip is needed' });
      const range = pastRange(request.body, limits.max_duration_s, deps.now());
      if (typeof range === 'string') return reply.code(400).send({ error: 'bad_range', message: range });
      const durationS = range ? Math.round((range.to - range.from) / 1000) : (request.body.duration_s as number);
      const camera = (await scopeOf(request, db)).seesCamera(cameraId) ? await findCamera(db, cameraId) : undefined;
      if (!camera || camera.retired_at !== null) return notFound(reply);
      const decision = imageDecision(user.role, camera);
      if (!decision.allowed) {
        await writeAudit(db, user, { action: 'clip.denied', cameraId, detail: decision.reason, ip: request.ip }, deps.now());
        return forbidden(reply, 'Images of this camera are private: your role may not record them', 'private_images');
      }
      if ((await readHealth(db, cameraId))?.state === 'auth_failed') return reply.code(503).send({ error: 'auth_failed', message: "The camera refuses camwatch's password" });
      if (await clipBytes(db) >= limits.disk_budget_mb * 1024 * 1024) return reply.code(507).send({ error: 'disk_budget', message: 'The clips kept fill the disk budget; an administrator must free space first' });
      const access = await cameraAccess(deps, cameraId);
      // A past range may come from the recording alone; "record now" needs the live stream's address first.
      const source = range ? undefined : await cameraStreamSource(deps, cameraId);
      if (!access || (!range && !source)) return reply.code(503).send({ error: 'no_stream', message: 'The camera gives no stream address now' });
      if (recorder.active >= limits.max_concurrent) return reply.code(503).header('retry-after', '30').send({ error: 'recorder_busy', message: `At most ${limits.max_concurrent} recordings at once; try again later` });

      const id = await insertClip(db, { cameraId, user, reason, durationS, at: deps.now() });
      if (range) await setClipRange(db, id, range);
      const clip = { id, camera_id: cameraId };
      await audit(user, clip, 'requested', range ? `${reason} (${new Date(range.from).toISOString()} – ${new Date(range.to).toISOString()})` : reason, request.ip);
      const file = path.join(CLIPS_FOLDER, `${id}-${cameraId}.mp4`);
      const obtain = async () => {
        const { how, note, replay } = range ? await replayOrLive(access.onvif, range) : { how: LIVE_NOW, note: null, replay: undefined };
        await setClipMethod(db, id, replay ? 'replay' : 'live', note);
        const stream = replay ? { cameraId, rtspUrl: replay.uri, username: access.onvif.username, password: access.onvif.password } : (source ?? (await cameraStreamSource(deps, cameraId)));
        if (!stream) throw new Error('the camera gives no stream address now');
        const started = async () => {
          await markClipStarted(db, id, deps.now());
          await audit(user, clip, 'started', how);
        };
        return recorder.record(stream, durationS, path.join(deps.evidenceDir, file), started, replay?.cameraRange);
      };
      const settled = obtain().then(
        async (recorded) => {
          await markClipReady(db, id, { file, bytes: recorded.bytes, sha256: recorded.sha256, at: deps.now() });
          await audit(user, clip, 'recorded', `SHA-256 ${recorded.sha256}`);
        },
        async (error: unknown) => {
          // RecorderBusyError included: claimed by another request since the check above.
          const message = error instanceof Error ? error.message : String(error);
          await markClipFailed(db, id, message, deps.now());
          await audit(user, clip, 'failed', message);
          request.log.warn({ clip: id, camera: cameraId, err: message }, 'evidence clip failed');
        },
      );
      unsettled.add(settled);
      void settled.finally(() => unsettled.delete(settled));
      return reply.code(202).send(await clipJson(await getClip(db, id) as ClipRow));
    },
  );

  /** The camera's own recording of the range when it has one (Profile G); otherwise the live stream now, and why. */
  async function replayOrLive(onvif: OnvifTarget, range: { from: number; to: number }) {
    const found = await findReplay(onvif, range, PROFILE_G_DEADLINE_MS, deps.now);
    if (found.found) {
      const drift = found.clockDriftS ? ` (camera clock ${found.clockDriftS > 0 ? '+' : ''}${found.clockDriftS} s)` : '';
      return { how: `ONVIF Profile G replay of recording ${found.recordingToken}${drift}`, note: found.recordingToken, replay: found };
    }
    // "<reason>: <detail>": the reason is a code the custody sheet words in the reader's language.
    const note = `${found.reason}: ${found.detail}`;
    return { how: `${LIVE_NOW}, no replay: ${note}`, note, replay: undefined };
  }

  app.get(
    '/api/clips',
    { config: { roles: POLICE }, schema: { tags: ['evidence'], summary: 'Evidence clips of the cameras in scope, newest first', response: { 200: { type: 'array', items: clipSchema }, ...errors } } },
    async (request) => {
      const scope = await scopeOf(request, db);
      return Promise.all((await listClips(db)).filter((clip) => scope.seesCamera(clip.camera_id)).map(clipJson));
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/clips/:id',
    { config: { roles: POLICE }, schema: { tags: ['evidence'], summary: 'One evidence clip', params: numericIdParams, response: { 200: clipSchema, ...errors } } },
    async (request, reply) => {
      const clip = await visibleClip(request);
      return clip ? await clipJson(clip) : notFound(reply);
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/clips/:id/file',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['evidence'],
        summary: 'Download the clip (MP4). Its SHA-256 is checked first: a file that no longer matches is refused (409). Audited.',
        params: numericIdParams,
        produces: ['video/mp4'],
        response: { 200: { type: 'string', format: 'binary' }, 409: errors[404], ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const clip = await visibleClip(request);
      if (!clip) return notFound(reply);
      if (clip.status !== 'ready' || !clip.file || !clip.sha256) return reply.code(409).send({ error: 'not_ready', message: `The clip is ${clip.status}` });
      const file = insideEvidence(deps.evidenceDir, clip.file);
      const actual = file ? await sha256Of(file).catch(() => undefined) : undefined;
      if (actual !== clip.sha256) {
        await audit(user, clip, 'tampered', actual ? `SHA-256 ${actual}` : 'file missing', request.ip);
        return reply.code(409).send({ error: 'tampered', message: 'The file no longer matches the SHA-256 recorded with it: it is not handed out' });
      }
      await audit(user, clip, 'downloaded', undefined, request.ip);
      return reply
        .header('cache-control', 'no-store, private')
        .header('content-disposition', `attachment; filename="camwatch-clip-${clip.id}-${clip.camera_id}.mp4"`)
        .header('x-content-sha256', clip.sha256)
        .type('video/mp4')
        .send(createReadStream(file as string));
    },
  );

  app.get<{ Params: { id: number }; Querystring: { lang: Locale; format: 'html' | 'pdf' } }>(
    '/api/clips/:id/sheet',
    {
      config: { roles: POLICE },
      schema: {
        tags: ['evidence'],
        summary: 'The chain-of-custody sheet of a clip ("Biên bản trích xuất dữ liệu hình ảnh"), printable HTML or PDF. Audited.',
        params: numericIdParams,
        querystring: { type: 'object', properties: { lang: { type: 'string', enum: [...LOCALES], default: 'vi' }, format: { type: 'string', enum: ['html', 'pdf'], default: 'html' } }, additionalProperties: false },
        produces: ['text/html', 'application/pdf'],
        response: { 200: { type: 'string' }, 503: errors[404], ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const clip = await visibleClip(request);
      if (!clip) return notFound(reply);
      // Written first, so the sheet lists its own issue.
      await audit(user, clip, 'exported', request.query.format.toUpperCase(), request.ip);
      const camera = await findCamera(db, clip.camera_id);
      const unit = camera ? await findUnit(db, camera.unit_id) : undefined;
      const html = custodySheetHtml({
        clip,
        camera: { id: clip.camera_id, name: camera?.name ?? clip.camera_id, place: [camera?.location, unit?.name].filter(Boolean).join(', ') },
        trail: await clipTrail(db, clip.id),
        issuer: settings.report.issuer,
        locale: request.query.lang,
        timeZone: deps.timeZone,
        at: deps.now(),
      });
      if (request.query.format === 'html') return reply.type('text/html; charset=utf-8').send(html);
      try {
        const pdf = await toPdf(html);
        return reply.header('content-disposition', `attachment; filename="camwatch-bien-ban-${clip.id}.pdf"`).type('application/pdf').send(pdf);
      } catch (error) {
        if (error instanceof PrinterBusyError) return reply.code(503).header('retry-after', '60').send({ error: 'busy', message: error.message });
        if (error instanceof ChromiumMissingError) return reply.code(503).send({ error: 'unavailable', message: error.message });
        throw error;
      }
    },
  );
}
