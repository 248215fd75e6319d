/** E-mail over SMTP with nodemailer; the evidence snapshot travels as an attachment. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { z } from 'zod';
import { envName } from '../../config/schema.js';
import { ChannelError, secretFromEnv, type Channel, type ChannelDefinition, type OutboundAlert, type SendResult } from './types.js';

/** Its section, alerts.channels.email. */
const configSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    /** refuse to send without TLS (STARTTLS); turn off only for a local relay */
    require_tls: z.boolean().default(true),
    user: z.string().optional(),
    password_env: envName.optional(),
    from: z.string().min(3),
  })
  .strict();

export type EmailChannelConfig = z.infer<typeof configSchema>;

const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'ETLS']);

export class EmailChannel implements Channel {
  readonly name = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    private readonly config: EmailChannelConfig,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    const pass = config.password_env ? secretFromEnv(env, config.password_env, 'SMTP password') : undefined;
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: !config.secure && config.require_tls,
      ignoreTLS: !config.secure && !config.require_tls,
      ...(config.user ? { auth: { user: config.user, pass: pass ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult> {
    const { to, rendered } = alert.payload;
    if (!to.email) throw new ChannelError('config', 'recipient has no e-mail address', true);
    const attachments = rendered.evidence && existsSync(rendered.evidence) ? [{ filename: `camwatch-${alert.payload.incidentId ?? 'digest'}${path.extname(rendered.evidence) || '.jpg'}`, path: rendered.evidence }] : [];
    if (signal.aborted) throw new ChannelError('transport', 'deadline passed');
    try {
      const sending = this.transport.sendMail({
        from: this.config.from,
        to: { name: to.name, address: to.email },
        subject: rendered.subject,
        text: rendered.text + (attachments.length ? '\n' : ''),
        // The same Message-ID on a retry lets mail systems drop the duplicate.
        messageId: `<${alert.requestId}@camwatch>`,
        attachments,
      });
      const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new ChannelError('transport', 'SMTP deadline passed')), { once: true }));
      const info = await Promise.race([sending, aborted]);
      return { providerId: info.messageId };
    } catch (error) {
      if (error instanceof ChannelError) throw error;
      const e = error as { code?: string; responseCode?: number; message?: string };
      if (e.code === 'EAUTH') throw new ChannelError('auth', `SMTP: ${e.message ?? 'authentication failed'}`);
      if (e.responseCode && e.responseCode >= 500 && e.responseCode < 600 && e.code === 'EENVELOPE') {
        throw new ChannelError('rejected', `SMTP ${e.responseCode}: ${e.message ?? ''}`, true);
      }
      throw new ChannelError(TRANSIENT_CODES.has(e.code ?? '') || !e.responseCode ? 'transport' : 'rejected', `SMTP: ${e.message ?? String(error)}`);
    }
  }

  close(): void {
    this.transport.close();
  }
}

export const email: ChannelDefinition<'email', EmailChannelConfig> = {
  name: 'email',
  audience: 'contacts',
  schema: configSchema,
  digestByDefault: true,
  secretNames: (config) => (config.password_env ? [config.password_env] : []),
  create: (config, { env }) => new EmailChannel(config, env),
  reaches: (person) => Boolean(person.email),
};
