/** What every channel adapter implements, what each channel file declares of itself, and the typed error a channel throws. */
import type { z } from 'zod';
import type { Engine } from '../../store/db.js';
import type { Person } from '../directory.js';
import type { RenderedAlert } from '../messages.js';
import type { AlertKind, RecipientReason } from '../router.js';

/** The JSON kept in alerts.payload: everything needed to send, decided when the row was written. */
export interface AlertPayload {
  kind: AlertKind;
  incidentId: number | null;
  to: {
    name: string;
    role: string;
    reason: RecipientReason | 'broadcast';
    phone?: string | undefined;
    email?: string | undefined;
    chatId?: string | number | undefined;
  };
  rendered: RenderedAlert;
  /** for broadcast channels: who was told personally */
  recipients?: { name: string; role: string; reason: string }[] | undefined;
}

export interface OutboundAlert {
  id: number;
  /** stable for this alert across retries and restarts: gateways drop what they have seen */
  requestId: string;
  channel: string;
  payload: AlertPayload;
}

export interface SendResult {
  /** the gateway's own id for the message, when it gives one */
  providerId?: string | undefined;
}

export type ChannelErrorKind =
  | 'transport' // connection refused, reset, timeout: the channel is down, try later
  | 'rejected' // the gateway answered and said no (quota, bad template, ...)
  | 'auth' // credentials or token refused
  | 'config'; // our settings cannot produce a message (missing template, address)

export class ChannelError extends Error {
  constructor(
    readonly kind: ChannelErrorKind,
    message: string,
    /** retrying cannot help: dead-letter at once */
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface Channel {
  readonly name: string;
  send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult>;
  close?(): Promise<void> | void;
}

export interface ChannelDeps {
  db: Engine;
  /** read at send time, not at start: a secret set after a warning starts working without a restart */
  env: NodeJS.ProcessEnv;
  now: () => number;
}

interface ChannelBasics<Name extends string, Config> {
  name: Name;
  /** its section under alerts.channels.<name> */
  schema: z.ZodType<Config, unknown>;
  /** environment variables the configured channel reads; `doctor` and the start-up warning list the unset ones */
  secretNames(config: Config): string[];
  create(config: Config, deps: ChannelDeps): Channel;
  /** whether it can carry this kind of alert (a template-only channel cannot carry what has no template); all kinds when absent */
  carries?(config: Config, kind: AlertKind): boolean;
  /** whether the daily digest goes by it when alerts.digest_channels is not given */
  digestByDefault: boolean;
  /** logged at start when it is the only channel configured, for a channel that must never be alone */
  aloneWarning?: string;
}

/**
 * One alert channel, as its file declares it. Everything else (the config section, secret lists,
 * routing, delivery) is derived from the list of these in ./index.ts. The audience says whom it
 * may reach: `contacts` are people of the directory, each at their own address; `broadcast`
 * channels carry each alert once to fixed places (a group chat, a receiving system).
 */
export type ChannelDefinition<Name extends string = string, Config = never> = ChannelBasics<Name, Config> &
  (
    | {
        audience: 'contacts';
        /** whether the person has an address on this channel */
        reaches(person: Person): boolean;
      }
    | {
        audience: 'broadcast';
        /** the fixed places each alert goes to, with a recipient key unique per place */
        targets(config: Config): { recipient: string; chatId?: string | number }[];
      }
  );

/** Runs fetch and turns network failures into a transport ChannelError. */
export async function httpRequest(url: string, init: RequestInit, signal: AbortSignal): Promise<{ status: number; text: string; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new ChannelError('transport', `${new URL(url).host}: ${cause ?? (error as Error).message}`);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new ChannelError('transport', `${new URL(url).host}: reading the answer: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

/** Value at a dot path ("data.code") of a parsed JSON answer, or the text of an XML element of that name. */
export function fieldOf(answer: { json: unknown; text: string }, path: string): string | undefined {
  let value: unknown = answer.json;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') {
      value = undefined;
      break;
    }
    value = (value as Record<string, unknown>)[part];
  }
  if (value !== undefined && value !== null && typeof value !== 'object') return String(value);
  const last = path.split('.').at(-1) ?? path;
  const xml = new RegExp(`<(?:\\w+:)?${last.replace(/[^\w-]/g, '')}[^>]*>([^<]*)</`, 'i').exec(answer.text);
  return xml?.[1]?.trim();
}

export function secretFromEnv(env: NodeJS.ProcessEnv, name: string | undefined, what: string): string {
  if (!name) throw new ChannelError('config', `${what}: no environment variable named`, true);
  const value = env[name];
  if (value === undefined || value === '') throw new ChannelError('config', `${what}: environment variable ${name} is not set`);
  return value;
}

/** 84xxxxxxxxx (international, no +) or 0xxxxxxxxx (national). */
export function formatPhone(phone: string, format: '0' | '84'): string {
  const digits = phone.replace(/[^\d]/g, '');
  const national = digits.startsWith('84') ? digits.slice(2) : digits.startsWith('0') ? digits.slice(1) : digits;
  return format === '84' ? `84${national}` : `0${national}`;
}

/** A short, safe description of a non-2xx answer for last_error (no echo of our secrets). */
export function describeAnswer(status: number, text: string): string {
  return `HTTP ${status}: ${text.replace(/\s+/g, ' ').slice(0, 200)}`;
}
