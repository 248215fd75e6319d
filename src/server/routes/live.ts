/**
 * Live view, through the authenticated server (no port of its own). Same rules as images: in
 * scope or 404, private cameras for police roles only, every view audited.
 * - GET /api/cameras/:id/live/codec — what the camera streams (`hvc1.1.6.L93.B0`…), for the page
 *   to ask its browser whether Media Source Extensions play it;
 * - GET /api/cameras/:id/live?hevc=true|false — fragmented MP4: remuxed, or for an H.265 camera
 *   and a browser that cannot play H.265, transcoded to H.264 within the budget; beyond it, 503
 *   `transcode_busy`;
 * - GET /api/cameras/:id/live/picture — a fresh keyframe as JPEG, what a viewer beyond the
 *   transcode budget watches instead, refreshed every few seconds;
 * - GET /register/owner/:token/live.jpg — the same picture for the owner of a registered camera,
 *   by its secret link alone (no account), while the registration is approved and consent stands.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LiveLimitError, TranscodeBudgetError, type LiveSource, type LiveStreams } from '../../live/streams.js';
import { ProbeFailure } from '../../probe/outcome.js';
import { queryDevice, type OnvifTarget } from '../../probe/onvif.js';
import { ANONYMOUS, ownedCamera, registeredCameraAccess } from '../../inventory/registrations.js';
import { UnsupportedStream } from '../../probe/rtsp-client.js';
import { imageDecision } from '../scope.js';
import { writeAudit } from '../../store/audit.js';
import { readHealth } from '../../store/camera-health.js';
import { findCamera } from '../../store/inventory.js';
import { ownerTokenParams } from './registrations.js';
import { cameraIdParams, currentUser, errors, forbidden, notFound, scopeOf, type App, type ServerDeps } from '../context.js';

/** A picture viewer refreshes every few seconds: one audit row per user and camera in this window. */
const PICTURE_AUDIT_WINDOW_MS = 10 * 60_000;

type Actor = Parameters<typeof writeAudit>[1];

/**
 * How camwatch reaches a camera: a configured one, or an approved registered one whose consent
 * stands (its password opened with the owners' key). Undefined for any other.
 */
export async function cameraAccess({ config, db, ownerKeys }: Pick<ServerDeps, 'config' | 'db' | 'ownerKeys'>, cameraId: string): Promise<{ onvif: OnvifTarget; rtspUrl?: string | undefined } | undefined> {
  const camera = config.raw.cameras.find((c) => c.id === cameraId);
  if (camera) return { onvif: { host: camera.onvif.host, port: camera.onvif.port, username: camera.onvif.user, password: config.secrets.get(camera.id) ?? '' }, rtspUrl: camera.rtsp_url };
  const registered = await registeredCameraAccess(db, ownerKeys.current(), cameraId);
  return registered && { onvif: registered };
}

/** The configured stream URL, or the one the camera announces over ONVIF now; with the credentials for the relay. */
export async function cameraStreamSource(deps: Pick<ServerDeps, 'config' | 'db' | 'ownerKeys'>, cameraId: string): Promise<LiveSource | undefined> {
  const access = await cameraAccess(deps, cameraId);
  if (!access) return undefined;
  const { onvif } = access;
  const rtspUrl = access.rtspUrl ?? (await queryDevice(onvif, deps.config.raw.probe.deadlines.onvif_ms).catch(() => undefined))?.streamUri;
  return rtspUrl ? { cameraId, rtspUrl, username: onvif.username, password: onvif.password } : undefined;
}

export function liveRoutes(app: App, deps: ServerDeps, live: LiveStreams) {
  const { db } = deps;
  const pictureAudited = new Map<string, number>();

  const unavailable = (reply: FastifyReply, message: string, error = 'unavailable') => reply.code(503).send({ error, message });

  /**
   * The camera's stream for this user, or the reply already sent: out of scope, private, a refused
   * password (more logins now could lock the camera's account: 5 failures in 30 s), no address.
   */
  async function sourceFor(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<LiveSource | undefined> {
    const user = currentUser(request);
    const id = request.params.id;
    const row = (await scopeOf(request, db)).seesCamera(id) ? await findCamera(db, id) : undefined;
    if (!row || row.retired_at !== null) return void notFound(reply);
    const decision = imageDecision(user.role, row);
    if (!decision.allowed) {
      await writeAudit(db, user, { action: 'live.denied', cameraId: id, detail: decision.reason, ip: request.ip }, deps.now());
      return void forbidden(reply, 'Images of this camera are private: your role may not view them', 'private_images');
    }
    if ((await readHealth(db, id))?.state === 'auth_failed') return void unavailable(reply, 'The camera refuses camwatch\'s password; fix the password before watching live');
    const source = await cameraStreamSource(deps, id);
    if (!source) return void unavailable(reply, 'The camera gives no stream address now');
    return source;
  }

  /** A camera that cannot be read now is a 503 with the probe's (credential-free) words. */
  const unreadable = (reply: FastifyReply, error: unknown) => {
    if (error instanceof ProbeFailure) return unavailable(reply, `The camera's stream cannot be read now: ${error.kind}`);
    if (error instanceof UnsupportedStream) return unavailable(reply, `The camera's stream cannot be watched live: ${error.reason}`);
    throw error;
  };

  const unavailableSchema = errors[404];

  app.get<{ Params: { id: string } }>(
    '/api/cameras/:id/live/codec',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Live view: the codec the camera streams (codec h264|hevc, mse: the RFC 6381 string for MediaSource.isTypeSupported)',
        params: cameraIdParams,
        response: { 200: { type: 'object', properties: { codec: { type: 'string' }, mse: { type: 'string' } } }, 503: unavailableSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = await sourceFor(request, reply);
      if (!source) return reply;
      return live.codec(source).catch((error: unknown) => unreadable(reply, error));
    },
  );

  app.get<{ Params: { id: string }; Querystring: { hevc: boolean } }>(
    '/api/cameras/:id/live',
    {
      schema: {
        tags: ['inventory'],
        summary:
          'Live view: the camera stream as fragmented MP4, remuxed; an H.265 camera for a browser that cannot play H.265 (hevc=false) is transcoded to H.264, at most live_max_transcodes at once (503 transcode_busy beyond: watch /live/picture). Private cameras: police roles only. Audited.',
        params: cameraIdParams,
        querystring: { type: 'object', properties: { hevc: { type: 'boolean', default: false, description: 'the browser plays the camera\'s H.265 through MSE' } }, additionalProperties: false },
        produces: ['video/mp4'],
        response: { 200: { type: 'string', format: 'binary' }, 503: unavailableSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = await sourceFor(request, reply);
      if (!source) return reply;
      try {
        const viewer = await live.watch(source, { playsHevc: request.query.hevc });
        await writeAudit(db, currentUser(request), { action: 'live.view', cameraId: source.cameraId, detail: viewer.mode, ip: request.ip }, deps.now());
        // When the viewer goes away, leave the stream: the last viewer's departure stops ffmpeg.
        request.raw.once('close', () => viewer.stream.destroy());
        return reply.header('cache-control', 'no-store, private').type('video/mp4').send(viewer.stream);
      } catch (error) {
        if (error instanceof TranscodeBudgetError) return unavailable(reply, `At most ${error.maxTranscodes} H.265 cameras are converted at once; watch the refreshed picture`, 'transcode_busy');
        if (error instanceof LiveLimitError) return unavailable(reply, `At most ${error.maxStreams} live streams at once; try again later`);
        return unreadable(reply, error);
      }
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/cameras/:id/live/picture',
    {
      schema: {
        tags: ['inventory'],
        summary: 'Live view beyond the transcode budget: a keyframe of the camera as JPEG, a few seconds old at most. Private cameras: police roles only. Audited (once per user and camera in 10 minutes).',
        params: cameraIdParams,
        produces: ['image/jpeg'],
        response: { 200: { type: 'string', format: 'binary' }, 503: unavailableSchema, ...errors },
      },
    },
    async (request, reply) => {
      const source = await sourceFor(request, reply);
      if (!source) return reply;
      const user = currentUser(request);
      return sendPicture(request, reply, source, user, { key: `user ${user.id}` });
    },
  );

  /**
   * A fresh picture, audited once per viewer and camera in the window (a viewer refreshes every
   * few seconds); `viewer.key` tells viewers apart, `viewer.detail` goes into the audit row.
   */
  async function sendPicture(request: FastifyRequest, reply: FastifyReply, source: LiveSource, actor: Actor, viewer: { key: string; detail?: string }) {
    const jpeg = await live.picture(source).catch((error: unknown) => unreadable(reply, error));
    if (!Buffer.isBuffer(jpeg)) return reply;
    const key = `${viewer.key}\u0000${source.cameraId}`;
    const now = deps.now();
    for (const [seen, at] of pictureAudited) if (now - at >= PICTURE_AUDIT_WINDOW_MS) pictureAudited.delete(seen);
    if (!pictureAudited.has(key)) {
      pictureAudited.set(key, now);
      await writeAudit(db, actor, { action: 'live.picture', cameraId: source.cameraId, detail: viewer.detail, ip: request.ip }, deps.now());
    }
    return reply.header('cache-control', 'no-store, private').type('image/jpeg').send(jpeg);
  }

  // --- the owner of a registered camera, by its secret link (no account) ---------------------

  app.get<{ Params: { token: string } }>(
    '/register/owner/:token/live.jpg',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: 'The owner watches its own camera: a keyframe as JPEG, a few seconds old at most (secret link; only while the registration is approved and consent stands, else 404). Audited like a police view (once per owner and camera in 10 minutes).',
        security: [],
        params: ownerTokenParams,
        produces: ['image/jpeg'],
        response: { 200: { type: 'string', format: 'binary' }, 503: unavailableSchema, 404: unavailableSchema },
      },
    },
    async (request, reply) => {
      const owned = await ownedCamera(db, request.params.token);
      const row = owned && await findCamera(db, owned.cameraId);
      if (!owned || !row || row.retired_at !== null) return notFound(reply);
      if ((await readHealth(db, owned.cameraId))?.state === 'auth_failed') return unavailable(reply, 'The camera refuses the password camwatch has; give the new password on your page');
      const source = await cameraStreamSource(deps, owned.cameraId);
      if (!source) return unavailable(reply, 'The camera gives no stream address now');
      return sendPicture(request, reply, source, ANONYMOUS(owned.registration.owner_name), { key: `registration ${owned.registration.id}`, detail: 'owner' });
    },
  );
}
