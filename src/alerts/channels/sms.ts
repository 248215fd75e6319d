/**
 * A generic HTTP SMS gateway adapter: method, a JSON/form/XML/query body template with {phone}
 * {text} {request_id}, several kinds of auth, phone number format, Unicode or plain text with
 * length limits, and success read from the status code plus a field of the answer. eSMS and
 * SpeedSMS ship as presets; any field of the config overrides the preset's.
 */
import { z } from 'zod';
import { envName, httpUrl, templateValue } from '../../config/schema.js';
import { fitShortForm, shortFormSchema, type ShortForm } from '../sms-encoding.js';
import { ChannelError, describeAnswer, fieldOf, formatPhone, httpRequest, secretFromEnv, type Channel, type ChannelDefinition, type OutboundAlert, type SendResult } from './types.js';

/** Its section, alerts.channels.sms. */
const configSchema = z
  .object({
    /** shipped gateway settings; every field below overrides the preset's */
    preset: z.enum(['esms', 'speedsms', 'custom']).default('custom'),
    url: httpUrl.optional(),
    method: z.enum(['GET', 'POST']).optional(),
    format: z.enum(['json', 'form', 'xml', 'query']).optional(),
    /** body template: a mapping for json/form/query, a string for xml; placeholders {phone} {text} {request_id} {unicode} and any var/secret */
    body: templateValue.optional(),
    headers: z.record(z.string(), z.string()).optional(),
    auth: z
      .object({
        type: z.enum(['none', 'basic', 'bearer', 'header', 'in_body']),
        user: z.string().optional(),
        user_env: envName.optional(),
        password: z.string().optional(),
        password_env: envName.optional(),
        token_env: envName.optional(),
        header: z.string().optional(),
      })
      .strict()
      .optional(),
    /** placeholder name → environment variable holding the secret, e.g. { api_key: ESMS_API_KEY } */
    secrets: z.record(z.string(), envName).optional(),
    /** other placeholders, e.g. { brandname: CAMWATCH } */
    vars: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    phone_format: z.enum(['0', '84']).optional(),
    unicode: z.boolean().optional(),
    /** at most this many parts per SMS; by default 1 without Unicode (160 characters), 2 with it (134) */
    max_parts: z.number().int().min(1).max(10).optional(),
    success: z
      .object({ status: z.array(z.number().int()).optional(), field: z.string().optional(), values: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();

export type SmsChannelConfig = z.infer<typeof configSchema>;

type Scalar = string | number | boolean;

export interface SmsSettings {
  url: string;
  method: 'GET' | 'POST';
  format: 'json' | 'form' | 'xml' | 'query';
  body: unknown;
  headers: Record<string, string>;
  auth: NonNullable<SmsChannelConfig['auth']>;
  secrets: Record<string, string>;
  vars: Record<string, Scalar>;
  phoneFormat: '0' | '84';
  unicode: boolean;
  maxParts: number;
  success: { status?: number[] | undefined; field?: string | undefined; values?: string[] | undefined };
}

/**
 * eSMS (esms.vn): JSON POST with ApiKey/SecretKey in the body, SmsType "2" (customer care
 * brandname), RequestId for de-duplication; success is CodeResult "100".
 */
export const ESMS_PRESET: Omit<SmsSettings, 'maxParts'> = {
  url: 'https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/',
  method: 'POST',
  format: 'json',
  body: {
    ApiKey: '{api_key}',
    SecretKey: '{secret_key}',
    Phone: '{phone}',
    Content: '{text}',
    Brandname: '{brandname}',
    SmsType: '2',
    IsUnicode: '{unicode}',
    Sandbox: '{sandbox}',
    RequestId: '{request_id}',
  },
  headers: {},
  auth: { type: 'in_body' },
  secrets: { api_key: 'ESMS_API_KEY', secret_key: 'ESMS_SECRET_KEY' },
  vars: { sandbox: '0' },
  phoneFormat: '0',
  unicode: false,
  success: { field: 'CodeResult', values: ['100'] },
};

/**
 * SpeedSMS (speedsms.vn): JSON POST with HTTP basic auth (the access token as user, "x" as
 * password), body {to: [phone], content, sms_type, sender}; success is code "00". SpeedSMS takes
 * no request id: de-duplication rests on camwatch's outbox alone.
 */
export const SPEEDSMS_PRESET: typeof ESMS_PRESET = {
  url: 'https://api.speedsms.vn/index.php/sms/send',
  method: 'POST',
  format: 'json',
  body: { to: ['{phone}'], content: '{text}', sms_type: '{sms_type}', sender: '{brandname}' },
  headers: {},
  auth: { type: 'basic', user_env: 'SPEEDSMS_ACCESS_TOKEN', password: 'x' },
  secrets: {},
  vars: { sms_type: 3 },
  phoneFormat: '84',
  unicode: false,
  success: { field: 'code', values: ['00'] },
};

const CUSTOM_DEFAULTS: typeof ESMS_PRESET = {
  url: '',
  method: 'POST',
  format: 'json',
  body: { phone: '{phone}', text: '{text}', request_id: '{request_id}' },
  headers: {},
  auth: { type: 'none' },
  secrets: {},
  vars: {},
  phoneFormat: '84',
  unicode: false,
  success: {},
};

function presetOf(config: SmsChannelConfig): typeof ESMS_PRESET {
  return config.preset === 'esms' ? ESMS_PRESET : config.preset === 'speedsms' ? SPEEDSMS_PRESET : CUSTOM_DEFAULTS;
}

export function smsSettings(config: SmsChannelConfig): SmsSettings {
  const base = presetOf(config);
  const url = config.url ?? base.url;
  if (!url) throw new ChannelError('config', 'alerts.channels.sms.url is required without a preset', true);
  return {
    url,
    method: config.method ?? base.method,
    format: config.format ?? base.format,
    body: config.body ?? base.body,
    headers: { ...base.headers, ...config.headers },
    auth: config.auth ?? base.auth,
    secrets: { ...base.secrets, ...config.secrets },
    vars: { ...base.vars, ...config.vars },
    phoneFormat: config.phone_format ?? base.phoneFormat,
    unicode: config.unicode ?? base.unicode,
    maxParts: config.max_parts ?? ((config.unicode ?? base.unicode) ? 2 : 1),
    success: { ...base.success, ...config.success },
  };
}

/**
 * The text of one SMS: the alert's short form fitted to the gateway's encoding and part limit
 * (./sms-encoding.ts). A bare text is a description alone, cut when it is too long.
 */
export function smsText(message: ShortForm | string, unicode: boolean, maxParts: number): string {
  const form = typeof message === 'string' ? { description: [message], keep: [] } : message;
  return fitShortForm(form, unicode ? 'ucs2' : 'gsm7', maxParts);
}

/**
 * What to send of a stored alert. The payload is JSON read back from the database: its short form
 * is checked, and a row written before short forms existed sends its one-line text.
 */
export function shortFormOf(rendered: { short: string; sms?: unknown }): ShortForm | string {
  const parsed = shortFormSchema.safeParse(rendered.sms);
  return parsed.success ? parsed.data : rendered.short;
}

const PLACEHOLDER = /\{(\w+)\}/g;

function substitute(template: unknown, values: Record<string, Scalar>, escape: (s: string) => string = (s) => s): unknown {
  if (typeof template === 'string') {
    const whole = /^\{(\w+)\}$/.exec(template);
    if (whole?.[1] !== undefined && whole[1] in values) return values[whole[1]]; // keeps numbers numbers
    return template.replace(PLACEHOLDER, (all, name: string) => (name in values ? escape(String(values[name])) : all));
  }
  if (Array.isArray(template)) return template.map((item) => substitute(item, values, escape));
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, substitute(value, values, escape)]));
  }
  return template;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

function flat(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ChannelError('config', 'form/query SMS bodies must be a mapping', true);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
}

export interface BuiltRequest {
  url: string;
  init: { method: string; headers: Record<string, string>; body?: string };
}

/** The HTTP request for one SMS; exported so tests can compare it with the gateways' documentation. */
export function buildSmsRequest(settings: SmsSettings, env: NodeJS.ProcessEnv, message: { phone: string; text: ShortForm | string; requestId: string }): BuiltRequest {
  const secrets = Object.fromEntries(Object.entries(settings.secrets).map(([name, envName]) => [name, secretFromEnv(env, envName, `SMS secret {${name}}`)]));
  const values: Record<string, Scalar> = {
    ...settings.vars,
    ...secrets,
    phone: formatPhone(message.phone, settings.phoneFormat),
    text: smsText(message.text, settings.unicode, settings.maxParts),
    request_id: message.requestId,
    unicode: settings.unicode ? '1' : '0',
  };
  const headers: Record<string, string> = { ...settings.headers };
  const { auth } = settings;
  const credential = (value: string | undefined, envName: string | undefined, what: string) => value ?? secretFromEnv(env, envName, what);
  switch (auth.type) {
    case 'basic': {
      const user = credential(auth.user, auth.user_env, 'SMS basic auth user');
      const password = auth.password ?? (auth.password_env ? secretFromEnv(env, auth.password_env, 'SMS basic auth password') : '');
      headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      break;
    }
    case 'bearer':
      headers.Authorization = `Bearer ${secretFromEnv(env, auth.token_env, 'SMS bearer token')}`;
      break;
    case 'header':
      headers[auth.header ?? 'X-Api-Key'] = secretFromEnv(env, auth.token_env, 'SMS auth header');
      break;
    case 'none':
    case 'in_body':
      break;
  }
  let url = settings.url;
  let body: string | undefined;
  switch (settings.format) {
    case 'json':
      body = JSON.stringify(substitute(settings.body, values));
      headers['Content-Type'] ??= 'application/json';
      break;
    case 'form':
      body = new URLSearchParams(flat(substitute(settings.body, values))).toString();
      headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      break;
    case 'xml':
      if (typeof settings.body !== 'string') throw new ChannelError('config', 'an XML SMS body must be a string template', true);
      body = substitute(settings.body, values, xmlEscape) as string;
      headers['Content-Type'] ??= 'text/xml; charset=utf-8';
      break;
    case 'query': {
      const target = new URL(url);
      for (const [key, value] of Object.entries(flat(substitute(settings.body, values)))) target.searchParams.set(key, value);
      url = target.toString();
      break;
    }
  }
  if (settings.method === 'GET' && body !== undefined) {
    // A GET carries no body: the template becomes the query string.
    const target = new URL(url);
    for (const [key, value] of new URLSearchParams(settings.format === 'form' ? body : '')) target.searchParams.set(key, value);
    url = target.toString();
    body = undefined;
  }
  return { url, init: { method: settings.method, headers, ...(body === undefined ? {} : { body }) } };
}

export class SmsChannel implements Channel {
  readonly name = 'sms' as const;
  private readonly settings: SmsSettings;

  constructor(
    config: SmsChannelConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.settings = smsSettings(config);
  }

  async send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult> {
    const phone = alert.payload.to.phone;
    if (!phone) throw new ChannelError('config', 'recipient has no phone number', true);
    const request = buildSmsRequest(this.settings, this.env, { phone, text: shortFormOf(alert.payload.rendered), requestId: alert.requestId });
    const answer = await httpRequest(request.url, request.init, signal);
    const okStatus = this.settings.success.status ? this.settings.success.status.includes(answer.status) : answer.status >= 200 && answer.status < 300;
    if (!okStatus) {
      const retryable = answer.status === 429 || answer.status >= 500;
      throw new ChannelError(answer.status === 401 || answer.status === 403 ? 'auth' : retryable ? 'transport' : 'rejected', describeAnswer(answer.status, answer.text));
    }
    const { field, values } = this.settings.success;
    if (field) {
      const got = fieldOf(answer, field);
      if (got === undefined || (values && !values.includes(got))) throw new ChannelError('rejected', `${field}=${got ?? '(missing)'}: ${describeAnswer(answer.status, answer.text)}`);
    }
    return { providerId: fieldOf(answer, 'SMSID') ?? fieldOf(answer, 'data.tranId') };
  }
}

export const sms: ChannelDefinition<'sms', SmsChannelConfig> = {
  name: 'sms',
  audience: 'contacts',
  schema: configSchema,
  digestByDefault: false,
  secretNames: (config) => {
    // The preset's auth and secrets apply when the config gives none of its own.
    const preset = presetOf(config);
    const auth = config.auth ?? preset.auth;
    return [auth.user_env, auth.password_env, auth.token_env, ...Object.values(config.secrets ?? preset.secrets)].filter((name): name is string => name !== undefined);
  },
  create: (config, { env }) => new SmsChannel(config, env),
  // SMS addresses a phone number
  reaches: (person) => Boolean(person.phone),
};
