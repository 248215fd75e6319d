/**
 * False-alarm marks on a camera's image findings: list, mark (the camera's current picture is
 * normal for it), withdraw. Police roles in scope mark; a contractor does not, since a mark would
 * silence the faults it is paid to repair. Every change is audited (src/health/false-alarms.ts).
 */
import { changeFalseAlarm } from '../../health/false-alarms.js';
import { TOLERABLE, listFalseAlarms } from '../../quality/false-alarms.js';
import { bool, cameraIdParams, currentUser, errorSchema, errors, idPattern, int, notFound, nullable, num, scopeOf, str, time, type App, type ServerDeps } from '../context.js';

const kinds = Object.keys(TOLERABLE);
const markSchema = {
  type: 'object',
  properties: {
    id: int, camera_id: str, kind: str, value: num, marked_at: time, marked_by: str, reason: str,
    cleared_at: nullable(time), cleared_by: nullable(str), active: bool,
  },
} as const;
const answerSchema = { type: 'object', properties: { message: str, mark: nullable(markSchema) } } as const;

export function falseAlarmRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;
  const inScope = async (request: Parameters<typeof scopeOf>[0], id: string) => (await scopeOf(request, db)).seesCamera(id) && deps.config.raw.cameras.some((c) => c.id === id);

  app.get<{ Params: { id: string } }>(
    '/api/cameras/:id/false-alarms',
    {
      schema: {
        tags: ['inventory'],
        summary: "The camera's false-alarm marks, active and withdrawn, newest first",
        params: cameraIdParams,
        response: { 200: { type: 'array', items: markSchema }, ...errors },
      },
    },
    async (request, reply) => {
      if (!await inScope(request, request.params.id)) return notFound(reply);
      return (await listFalseAlarms(db, request.params.id)).map((mark) => ({ ...mark, active: mark.cleared_at === null }));
    },
  );

  /** The command's exit codes as HTTP: 2 is a bad request, 1 a state that does not allow it. */
  const statusOf = (exitCode: number, created: boolean) => (exitCode === 0 ? (created ? 201 : 200) : exitCode === 2 ? 400 : 409);

  app.post<{ Params: { id: string }; Body: { kind: string; reason?: string } }>(
    '/api/cameras/:id/false-alarms',
    {
      config: { roles: ['admin', 'commune_chief'] },
      schema: {
        tags: ['inventory'],
        summary: "Mark a finding of the camera's latest picture as a false alarm: the camera then reports it only when the picture gets worse. Audited.",
        params: cameraIdParams,
        body: {
          type: 'object',
          properties: { kind: { type: 'string', enum: kinds }, reason: { type: 'string', maxLength: 500, default: '' } },
          required: ['kind'],
          additionalProperties: false,
        },
        response: { 200: answerSchema, 201: answerSchema, 409: errorSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (!await inScope(request, request.params.id)) return notFound(reply);
      const user = currentUser(request);
      const result = await changeFalseAlarm(
        deps,
        { cameraId: request.params.id, kind: request.body.kind, by: user.name, reason: request.body.reason, actor: user, ip: request.ip },
        deps.config.raw.locale,
        deps.now(),
      );
      const message = result.lines.join('\n');
      if (!result.ok) return reply.code(statusOf(result.exitCode, false)).send({ error: result.exitCode === 2 ? 'bad_request' : 'conflict', message });
      return reply.code(statusOf(0, result.mark !== undefined)).send({ message, mark: result.mark ? { ...result.mark, active: true } : null });
    },
  );

  app.delete<{ Params: { id: string; kind: string } }>(
    '/api/cameras/:id/false-alarms/:kind',
    {
      config: { roles: ['admin', 'commune_chief'] },
      schema: {
        tags: ['inventory'],
        summary: "Withdraw the camera's active false-alarm marks of one kind: the normal thresholds apply again. Audited.",
        params: { type: 'object', properties: { id: { type: 'string', pattern: idPattern, maxLength: 100 }, kind: { type: 'string', enum: kinds } }, required: ['id', 'kind'] },
        response: { 200: answerSchema, 409: errorSchema, ...errors },
      },
    },
    async (request, reply) => {
      if (!await inScope(request, request.params.id)) return notFound(reply);
      const user = currentUser(request);
      const result = await changeFalseAlarm(deps, { cameraId: request.params.id, kind: request.params.kind, by: user.name, clear: true, actor: user, ip: request.ip }, deps.config.raw.locale, deps.now());
      const message = result.lines.join('\n');
      if (!result.ok) return reply.code(statusOf(result.exitCode, false)).send({ error: 'conflict', message });
      return { message, mark: null };
    },
  );
}
