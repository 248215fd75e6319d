/**
 * A generic webhook: one JSON POST per alert. With a secret, the body is signed:
 *   X-Camwatch-Timestamp: <unix seconds>
 *   X-Camwatch-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
 * X-Camwatch-Delivery (also Idempotency-Key) is the alert's stable request id: a receiver that
 * has seen it already should answer 2xx and ignore it.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { envName, httpUrl } from '../../config/schema.js';
import { ChannelError, describeAnswer, httpRequest, secretFromEnv, type Channel, type ChannelDefinition, type OutboundAlert, type SendResult } from './types.js';

/** Its section, alerts.channels.webhook. */
const configSchema = z
  .object({ url: httpUrl, secret_env: envName.optional(), headers: z.record(z.string(), z.string()).default({}) })
  .strict();

export type WebhookChannelConfig = z.infer<typeof configSchema>;

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;

  constructor(
    private readonly config: WebhookChannelConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly now: () => number = Date.now,
  ) {}

  async send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult> {
    const { payload } = alert;
    const body = JSON.stringify({
      id: alert.requestId,
      kind: payload.kind,
      incident_id: payload.incidentId,
      locale: payload.rendered.locale,
      subject: payload.rendered.subject,
      text: payload.rendered.text,
      fields: payload.rendered.fields,
      map_url: payload.rendered.mapUrl ?? null,
      ack_url: payload.rendered.ackUrl ?? null,
      recipients: payload.recipients ?? [],
    });
    const timestamp = String(Math.floor(this.now() / 1000));
    const headers: Record<string, string> = {
      ...this.config.headers,
      'Content-Type': 'application/json',
      'X-Camwatch-Delivery': alert.requestId,
      'Idempotency-Key': alert.requestId,
      'X-Camwatch-Timestamp': timestamp,
    };
    if (this.config.secret_env) headers['X-Camwatch-Signature'] = signWebhook(secretFromEnv(this.env, this.config.secret_env, 'webhook secret'), timestamp, body);
    const answer = await httpRequest(this.config.url, { method: 'POST', headers, body }, signal);
    if (answer.status >= 200 && answer.status < 300) return {};
    if (answer.status === 429 || answer.status >= 500) throw new ChannelError('transport', describeAnswer(answer.status, answer.text));
    throw new ChannelError(answer.status === 401 || answer.status === 403 ? 'auth' : 'rejected', describeAnswer(answer.status, answer.text));
  }
}

export const webhook: ChannelDefinition<'webhook', WebhookChannelConfig> = {
  name: 'webhook',
  audience: 'broadcast',
  schema: configSchema,
  digestByDefault: true,
  secretNames: (config) => (config.secret_env ? [config.secret_env] : []),
  create: (config, { env, now }) => new WebhookChannel(config, env, now),
  targets: () => [{ recipient: 'webhook' }],
};
