/** Shared pieces of the HTTP server: options, request decorations, small reply helpers and schemas. */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Engine } from '../store/db.js';
import type { Config } from '../config/load.js';
import type { ServerConfig } from '../config/schema.js';
import { serverSchema } from '../config/schema.js';
import type { SessionUser } from './auth.js';
import type { OwnerKeys } from '../inventory/sealed-password.js';
import type { Role } from '../store/users.js';
import type { HealthEvent } from '../health/engine.js';
import { scopeFor, type Scope } from './scope.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** no login needed (only /healthz and /api/login) */
    public?: boolean;
    /** roles allowed; all logged-in users when absent */
    roles?: readonly Role[];
  }
  interface FastifyRequest {
    user?: SessionUser;
    scopeCache?: Scope;
  }
}

export interface ServerOptions {
  db: Engine;
  config: Config;
  evidenceDir: string;
  log: FastifyBaseLogger;
  /** injectable clock for tests */
  now?: () => number;
  /** ffmpeg for the live view; without it there is no live route */
  ffmpeg?: string | undefined;
  /** one user name failing to log in from many addresses: tell the administrators (src/app/alerts.ts) */
  onPasswordGuessing?: ((userName: string, addresses: number) => void | Promise<void>) | undefined;
  /** incidents changed by hand (resolve): their messages go to the alert outbox (src/app/alerts.ts) */
  notify?: ((event: HealthEvent) => void | Promise<void>) | undefined;
  /** default: CAMWATCH_OWNER_KEY only (src/app/context.ts adds the key file beside the database) */
  ownerKeys?: OwnerKeys | undefined;
}

export interface ServerDeps {
  notify?: ((event: HealthEvent) => void | Promise<void>) | undefined;
  db: Engine;
  config: Config;
  settings: ServerConfig;
  evidenceDir: string;
  now: () => number;
  timeZone: string;
  /** the key that seals owners' camera passwords (CAMWATCH_OWNER_KEY, or the key file beside the database) */
  ownerKeys: OwnerKeys;
}

export type App = FastifyInstance;

export function serverSettings(config: Config): ServerConfig {
  return config.raw.server ?? serverSchema.parse({});
}

/**
 * What a probe or a check recorded in its own terms ("127.0.0.1:18306: ECONNREFUSED") is technical
 * detail for administrators: other roles get null. An image finding is already words for everyone.
 */
export function detailFor(user: SessionUser, kind: string | null, detail: string | null): string | null {
  return user.role === 'admin' || kind?.startsWith('image:') ? detail : null;
}

export function currentUser(request: FastifyRequest): SessionUser {
  if (!request.user) throw Object.assign(new Error('not authenticated'), { statusCode: 401 });
  return request.user;
}

export async function scopeOf(request: FastifyRequest, db: Engine): Promise<Scope> {
  request.scopeCache ??= await scopeFor(db, currentUser(request));
  return request.scopeCache;
}

export function notFound(reply: FastifyReply) {
  return reply.code(404).send({ error: 'not_found', message: 'Not found' });
}

/** `error` is the code the dashboard says in the reader's language; `message` is English for scripts. */
export function forbidden(reply: FastifyReply, message = 'Forbidden', error = 'forbidden') {
  return reply.code(403).send({ error, message });
}

export function badRequest(reply: FastifyReply, message: string) {
  return reply.code(400).send({ error: 'bad_request', message });
}

// --- schema pieces ----------------------------------------------------------------------------

export const errorSchema = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' } },
  required: ['error'],
} as const;

export const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 429: errorSchema } as const;

export const idPattern = '^[a-z0-9][a-z0-9._-]*$';
export const cameraIdParams = { type: 'object', properties: { id: { type: 'string', pattern: idPattern, maxLength: 100 } }, required: ['id'] } as const;
export const numericIdParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] } as const;

export const nullable = <T extends Record<string, unknown>>(schema: T) => ({ ...schema, nullable: true }) as const;
export const str = { type: 'string' } as const;
export const int = { type: 'integer' } as const;
export const num = { type: 'number' } as const;
export const bool = { type: 'boolean' } as const;
/** epoch milliseconds, UTC */
export const time = { type: 'integer', description: 'UTC epoch milliseconds' } as const;

export const userSchema = {
  type: 'object',
  properties: { id: int, name: str, role: str, unit_id: { type: 'string', nullable: true }, contractor_id: { type: 'string', nullable: true } },
} as const;

/** A user as the API shows it: never its password hash. */
export const userJson = (u: SessionUser) => ({ id: u.id, name: u.name, role: u.role, unit_id: u.unitId, contractor_id: u.contractorId });
