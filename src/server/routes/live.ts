/**
 * GET /api/cameras/:id/live — the camera's stream as fragmented MP4 for the browser's Media
 * Source Extensions, through the authenticated server (no port of its own). Same rules as
 * images: in scope or 404, private cameras for police roles only, every view audited.
 */
import type { FastifyReply } from 'fastify';
import { LiveLimitError, type LiveSource, type LiveStreams } from '../../live/streams.js';
import { queryDevice } from '../../probe/onvif.js';
import { imageDecision } from '../scope.js';
import { writeAudit } from '../../store/audit.js';
import { readHealth } from '../../store/camera-health.js';
import { findCamera } from '../../store/inventory.js';
import { cameraIdParams, currentUser, errors, forbidden, notFound, scopeOf, type App, type ServerDeps } from '../context.js';

/** The configured stream URL, or the one the camera announces over ONVIF now; with the credentials for the relay. */
export async function cameraStreamSource({ config }: Pick<ServerDeps, 'config'>, cameraId: string): Promise<LiveSource | undefined> {
  const camera = config.raw.cameras.find((c) => c.id === cameraId);
  if (!camera) return undefined;
  const password = config.secrets.get(camera.id) ?? '';
  const rtspUrl =
    camera.rtsp_url ??
    (await queryDevice({ host: camera.onvif.host, port: camera.onvif.port, username: camera.onvif.user, password }, config.raw.probe.deadlines.onvif_ms).catch(() => undefined))?.streamUri;
  return rtspUrl ? { cameraId, rtspUrl, username: camera.onvif.user, password } : undefined;
}

export function liveRoutes(app: App, deps: ServerDeps, live: LiveStreams) {
  const { db } = deps;

  const unavailable = (reply: FastifyReply, message: string) => reply.code(503).send({ error: 'unavailable', message });

  app.get<{ Params: { id: string } }>(
    '/api/cameras/:id/live',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Live view: the camera stream remuxed (not transcoded) to fragmented MP4. Private cameras: police roles only. Audited.',
        params: cameraIdParams,
        produces: ['video/mp4'],
        response: { 200: { type: 'string', format: 'binary' }, 503: errors[404], ...errors },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const id = request.params.id;
      const row = scopeOf(request, db).seesCamera(id) ? findCamera(db, id) : undefined;
      if (!row || row.retired_at !== null) return notFound(reply);
      const decision = imageDecision(user.role, row);
      if (!decision.allowed) {
        writeAudit(db, user, { action: 'live.denied', cameraId: id, detail: decision.reason, ip: request.ip }, deps.now());
        return forbidden(reply, 'Images of this camera are private: your role may not view them', 'private_images');
      }
      // A refused password: more logins now could lock the camera's account (5 failures in 30 s).
      if (readHealth(db, id)?.state === 'auth_failed') return unavailable(reply, 'The camera refuses camwatch\'s password; fix the password before watching live');
      const source = await cameraStreamSource(deps, id);
      if (!source) return unavailable(reply, 'The camera gives no stream address now');
      try {
        const stream = live.watch(source);
        writeAudit(db, user, { action: 'live.view', cameraId: id, ip: request.ip }, deps.now());
        // When the viewer goes away, leave the stream: the last viewer's departure stops ffmpeg.
        request.raw.once('close', () => stream.destroy());
        return reply.header('cache-control', 'no-store, private').type('video/mp4').send(stream);
      } catch (error) {
        if (error instanceof LiveLimitError) return unavailable(reply, `At most ${error.maxStreams} live streams at once; try again later`);
        throw error;
      }
    },
  );
}
