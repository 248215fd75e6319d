/**
 * Zalo ZNS ("ZBS Template Message"): POST {base_url}/message/template with the OA access token in
 * an `access_token` header and {phone, template_id, template_data, tracking_id}. The access token
 * is refreshed with a refresh token that CHANGES at every refresh: the new one is written to the
 * DB the moment it arrives, before the access token is used, or the next refresh would fail.
 * Template bodies may carry no links or phone numbers, so parameters are scrubbed of both.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { envName, httpUrl } from '../../config/schema.js';
import type { Engine } from '../../store/db.js';
import { kvGet, kvSet } from '../../store/kv.js';
import { ChannelError, describeAnswer, formatPhone, httpRequest, secretFromEnv, type Channel, type ChannelDefinition, type OutboundAlert, type SendResult } from './types.js';

/** Its section, alerts.channels.zalo. */
const configSchema = z
  .object({
    /** ZNS ("ZBS Template Message") API; messages go to {base_url}/message/template */
    base_url: httpUrl.default('https://business.openapi.zalo.me'),
    /** OA token endpoint; the refresh token changes at every refresh and is kept in the DB */
    oauth_url: httpUrl.default('https://oauth.zaloapp.com/v4/oa/access_token'),
    app_id: z.string().min(1),
    secret_key_env: envName,
    /** the first refresh token only; afterwards the rotated one stored in the DB is used */
    refresh_token_env: envName,
    /** one approved template per alert kind; kinds without a template are not sent by Zalo */
    templates: z
      .object({ opened: z.string().optional(), reminder: z.string().optional(), escalation: z.string().optional(), recovery: z.string().optional(), digest: z.string().optional() })
      .strict(),
    /** our field name → the template's parameter name, when the approved template names differ */
    param_names: z.record(z.string(), z.string()).default({}),
    max_param_length: z.number().int().min(10).max(500).default(100),
    development: z.boolean().default(false),
  })
  .strict();

export type ZaloChannelConfig = z.infer<typeof configSchema>;

const KEY_ACCESS = 'zalo.access_token';
const KEY_EXPIRES = 'zalo.access_expires_at';
const KEY_REFRESH = 'zalo.refresh_token';
const KEY_SEED = 'zalo.refresh_seed_sha256';
/** Zalo's answers for an expired or invalid access token */
const TOKEN_ERRORS = new Set([-124, -216, -240]);

/** Removes links and phone numbers (not allowed in template content) and bounds the length. */
export function scrubTemplateValue(value: string, maxLength: number): string {
  const clean = value
    .replace(/\b(?:https?:\/\/|www\.)\S+/gi, '')
    .replace(/\+?\d[\d .-]{7,}\d/g, '')
    .replace(/\s{2,}/g, ' ')
    .trim();
  const chars = [...clean];
  return chars.length <= maxLength ? clean : chars.slice(0, maxLength - 1).join('') + '…';
}

export class ZaloChannel implements Channel {
  readonly name = 'zalo' as const;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly config: ZaloChannelConfig,
    private readonly db: Engine,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly now: () => number = Date.now,
  ) {}

  /** The refresh token to use: the stored (rotated) one, unless the admin put a new seed in the environment. */
  private async currentRefreshToken(): Promise<string> {
    const seed = secretFromEnv(this.env, this.config.refresh_token_env, 'Zalo refresh token');
    const seedHash = createHash('sha256').update(seed).digest('hex');
    const stored = await kvGet(this.db, KEY_REFRESH);
    if (stored && await kvGet(this.db, KEY_SEED) === seedHash) return stored;
    await this.db.transaction(async () => {
      await kvSet(this.db, KEY_SEED, seedHash, this.now());
      await kvSet(this.db, KEY_REFRESH, seed, this.now());
    });
    return seed;
  }

  private async refresh(signal: AbortSignal): Promise<string> {
    const refreshToken = await this.currentRefreshToken();
    const answer = await httpRequest(
      this.config.oauth_url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', secret_key: secretFromEnv(this.env, this.config.secret_key_env, 'Zalo app secret') },
        body: new URLSearchParams({ refresh_token: refreshToken, app_id: this.config.app_id, grant_type: 'refresh_token' }).toString(),
      },
      signal,
    );
    const body = (answer.json ?? {}) as { access_token?: string; refresh_token?: string; expires_in?: string | number; error?: number; error_name?: string };
    if (answer.status >= 500) throw new ChannelError('transport', `Zalo token refresh: ${describeAnswer(answer.status, answer.text)}`);
    if (!body.access_token || !body.refresh_token) {
      throw new ChannelError('auth', `Zalo token refresh refused (${body.error ?? answer.status} ${body.error_name ?? ''}); give a new refresh token in ${this.config.refresh_token_env}`);
    }
    const expiresAt = this.now() + Number(body.expires_in ?? 3600) * 1000;
    const { access_token: accessToken, refresh_token: newRefresh } = body;
    await this.db.transaction(async () => {
      await kvSet(this.db, KEY_REFRESH, newRefresh, this.now());
      await kvSet(this.db, KEY_ACCESS, accessToken, this.now());
      await kvSet(this.db, KEY_EXPIRES, String(expiresAt), this.now());
    });
    return accessToken;
  }

  /** A valid access token; one refresh at a time however many sends wait for it. */
  async accessToken(signal: AbortSignal, force = false): Promise<string> {
    const token = await kvGet(this.db, KEY_ACCESS);
    const expires = Number(await kvGet(this.db, KEY_EXPIRES) ?? 0);
    if (!force && token && expires - 60_000 > this.now()) return token;
    this.refreshing ??= this.refresh(signal).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  templateData(alert: OutboundAlert): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [field, value] of Object.entries(alert.payload.rendered.fields)) {
      out[this.config.param_names[field] ?? field] = scrubTemplateValue(value, this.config.max_param_length);
    }
    return out;
  }

  async send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult> {
    const { payload } = alert;
    // Security alarms have no registered template: they go by the other channels only.
    const templateId = payload.kind === 'security' ? undefined : this.config.templates[payload.kind];
    if (!templateId) throw new ChannelError('config', `no Zalo template for "${payload.kind}" alerts (alerts.channels.zalo.templates.${payload.kind})`, true);
    if (!payload.to.phone) throw new ChannelError('config', 'recipient has no phone number', true);
    const body = JSON.stringify({
      ...(this.config.development ? { mode: 'development' } : {}),
      phone: formatPhone(payload.to.phone, '84'),
      template_id: templateId,
      template_data: this.templateData(alert),
      tracking_id: alert.requestId,
    });
    const url = `${this.config.base_url.replace(/\/+$/, '')}/message/template`;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(signal, attempt > 0);
      const answer = await httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json', access_token: token }, body }, signal);
      const result = (answer.json ?? {}) as { error?: number; message?: string; data?: { msg_id?: string } };
      if ((answer.status === 401 || TOKEN_ERRORS.has(result.error ?? 0)) && attempt === 0) continue;
      if (answer.status >= 500 || answer.status === 429) throw new ChannelError('transport', `Zalo: ${describeAnswer(answer.status, answer.text)}`);
      if (answer.status !== 200 || result.error !== 0) {
        throw new ChannelError(TOKEN_ERRORS.has(result.error ?? 0) ? 'auth' : 'rejected', `Zalo error ${result.error ?? answer.status}: ${result.message ?? answer.text.slice(0, 200)}`);
      }
      return { providerId: result.data?.msg_id };
    }
  }
}

export const zalo: ChannelDefinition<'zalo', ZaloChannelConfig> = {
  name: 'zalo',
  audience: 'contacts',
  schema: configSchema,
  digestByDefault: false,
  secretNames: (config) => [config.secret_key_env, config.refresh_token_env],
  create: (config, { db, env, now }) => new ZaloChannel(config, db, env, now),
  reaches: (person) => Boolean(person.phone),
  // Security alarms have no registered template: they go by the other channels only.
  carries: (config, kind) => kind !== 'security' && Boolean(config.templates[kind]),
};
