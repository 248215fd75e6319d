/**
 * Users over HTTP, for administrators: list (never a password hash), add, change role and scope,
 * reset a password, disable, delete. Every change is written to the audit log with who did it and
 * from where; the passwords themselves never are. Resetting a password, disabling or deleting a
 * user ends its sessions (src/store/users.ts). The rules are the command line's (src/server/auth.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writeAudit } from '../../store/audit.js';
import { contractors, units } from '../../store/inventory.js';
import { ROLES, type Role } from '../../store/users.js';
import { addUser, changeRole, deleteUser, disableUser, listUsers, setPassword, UserError, type SessionUser } from '../auth.js';
import { bool, currentUser, errors, int, nullable, str, time, userJson, userSchema, type App, type ServerDeps } from '../context.js';

const ADMIN_ONLY = { roles: ['admin'] } as const;

const nameParams = { type: 'object', properties: { name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$' } }, required: ['name'] } as const;
const password = { type: 'string', minLength: 1, maxLength: 256 } as const;
const scopeId = { type: 'string', maxLength: 100, nullable: true } as const;
const userListing = { type: 'object', properties: { id: int, name: str, role: str, unit_id: nullable(str), contractor_id: nullable(str), created_at: time, disabled: bool } } as const;
/** `error` is the reason the dashboard says in the reader's language, filled with `params`; `message` is English for scripts. */
const userErrorSchema = { type: 'object', properties: { error: str, message: str, params: { type: 'object', additionalProperties: { type: ['string', 'number'] } } }, required: ['error'] } as const;
const userErrors = { ...errors, 400: userErrorSchema, 404: userErrorSchema, 409: userErrorSchema } as const;

const STATUS: Record<UserError['kind'], number> = { not_found: 404, exists: 409, last_admin: 409, bad_role: 400, no_unit: 400, no_contractor: 400, weak_password: 400, bad_name: 400 };

const auditDetail = (user: Pick<SessionUser, 'name' | 'role' | 'unitId' | 'contractorId'>) => [user.name, user.role, user.unitId ?? user.contractorId].filter(Boolean).join(' ');

export function userRoutes(app: App, deps: ServerDeps) {
  const { db } = deps;

  /** Runs one change and answers with `answer` of its result, audited; a refused change answers with its reason. */
  async function change<T>(request: FastifyRequest, reply: FastifyReply, action: string, run: () => T | Promise<T>, answer: (result: T) => { status: number; body: unknown; detail: string }) {
    let result: T;
    try {
      result = await run();
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      return reply.code(STATUS[error.kind]).send({ error: error.reason, message: error.message, params: error.params });
    }
    const { status, body, detail } = answer(result);
    await writeAudit(db, currentUser(request), { action, detail, ip: request.ip }, deps.now());
    return reply.code(status).send(body);
  }

  app.get(
    '/api/users',
    { config: ADMIN_ONLY, schema: { tags: ['admin'], summary: 'Users and their scopes (never their password hashes)', response: { 200: { type: 'array', items: userListing }, ...errors } } },
    async () => (await listUsers(db)).map((u) => ({ id: u.id, name: u.name, role: u.role, unit_id: u.unitId, contractor_id: u.contractorId, created_at: u.createdAt, disabled: u.disabled })),
  );

  app.get(
    '/api/users/choices',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: 'What a user may be given: the roles, the units a commune chief may head and the contractors',
        response: {
          200: {
            type: 'object',
            properties: {
              roles: { type: 'array', items: str },
              units: { type: 'array', items: { type: 'object', properties: { id: str, name: str, kind: str } } },
              contractors: { type: 'array', items: { type: 'object', properties: { id: str, name: str } } },
            },
          },
          ...errors,
        },
      },
    },
    async () => ({
      roles: ROLES,
      units: (await units(db)).filter((u) => u.retired_at === null),
      contractors: (await contractors(db)).filter((c) => c.retired_at === null),
    }),
  );

  app.post<{ Body: { name: string; role: Role; unit_id?: string | null; contractor_id?: string | null; password: string } }>(
    '/api/users',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: 'Add a user: a role, its unit (commune chief) or contractor (contractor), and a first password that follows the password rules. Audited.',
        body: {
          type: 'object',
          properties: { name: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: ROLES }, unit_id: scopeId, contractor_id: scopeId, password },
          required: ['name', 'role', 'password'],
          additionalProperties: false,
        },
        response: { 201: userSchema, ...userErrors },
      },
    },
    async (request, reply) => {
      const { name, role, unit_id: unitId, contractor_id: contractorId, password } = request.body;
      return change(
        request,
        reply,
        'user.create',
        () => addUser(db, { name, role, unitId: unitId ?? undefined, contractorId: contractorId ?? undefined, password }, deps.now()),
        (user) => ({ status: 201, body: userJson(user), detail: auditDetail(user) }),
      );
    },
  );

  app.put<{ Params: { name: string }; Body: { role: Role; unit_id?: string | null; contractor_id?: string | null } }>(
    '/api/users/:name/role',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: "Change a user's role and its scope. The last active administrator keeps its role. Audited.",
        params: nameParams,
        body: { type: 'object', properties: { role: { type: 'string', enum: ROLES }, unit_id: scopeId, contractor_id: scopeId }, required: ['role'], additionalProperties: false },
        response: { 200: userSchema, ...userErrors },
      },
    },
    async (request, reply) => {
      const { role, unit_id: unitId, contractor_id: contractorId } = request.body;
      return change(
        request,
        reply,
        'user.role_change',
        async () => await changeRole(db, request.params.name, { role, unitId, contractorId }, deps.now()),
        (user) => ({ status: 200, body: userJson(user), detail: auditDetail(user) }),
      );
    },
  );

  app.put<{ Params: { name: string }; Body: { password: string } }>(
    '/api/users/:name/password',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: "Set a new password (it follows the password rules); the user's sessions end. Audited, without the password.",
        params: nameParams,
        body: { type: 'object', properties: { password }, required: ['password'], additionalProperties: false },
        response: { 204: { type: 'null' }, ...userErrors },
      },
    },
    async (request, reply) =>
      change(request, reply, 'user.password_reset', () => setPassword(db, request.params.name, request.body.password, deps.now()), () => ({ status: 204, body: undefined, detail: request.params.name })),
  );

  app.post<{ Params: { name: string } }>(
    '/api/users/:name/disable',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: 'Disable a user: it can no longer log in and its sessions end; the row stays. Not the last active administrator. Audited.',
        params: nameParams,
        response: { 204: { type: 'null' }, ...userErrors },
      },
    },
    async (request, reply) => change(request, reply, 'user.disable', async () => await disableUser(db, request.params.name, deps.now()), () => ({ status: 204, body: undefined, detail: request.params.name })),
  );

  app.delete<{ Params: { name: string } }>(
    '/api/users/:name',
    {
      config: ADMIN_ONLY,
      schema: {
        tags: ['admin'],
        summary: 'Delete a user and end its sessions; the audit log keeps its name. Not the last active administrator. Audited.',
        params: nameParams,
        response: { 204: { type: 'null' }, ...userErrors },
      },
    },
    async (request, reply) => change(request, reply, 'user.delete', async () => await deleteUser(db, request.params.name), () => ({ status: 204, body: undefined, detail: request.params.name })),
  );
}
