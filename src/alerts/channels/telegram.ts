/**
 * Telegram Bot API (sendMessage; sendPhoto with the evidence snapshot). Optional only: Telegram
 * has been blocked by Vietnamese carriers since 2025, so it must never be the only channel.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { envName, httpUrl } from '../../config/schema.js';
import { ChannelError, describeAnswer, httpRequest, secretFromEnv, type Channel, type ChannelDefinition, type OutboundAlert, type SendResult } from './types.js';

/** Its section, alerts.channels.telegram. */
const configSchema = z
  .object({
    base_url: httpUrl.default('https://api.telegram.org'),
    token_env: envName,
    /** chats (groups) that receive every alert; Telegram is blocked by Vietnamese carriers since 2025 */
    chat_ids: z.array(z.union([z.string(), z.number()])).min(1),
  })
  .strict();

export type TelegramChannelConfig = z.infer<typeof configSchema>;

const CAPTION_MAX = 1024;
const TEXT_MAX = 4096;

export class TelegramChannel implements Channel {
  readonly name = 'telegram' as const;

  constructor(
    private readonly config: TelegramChannelConfig,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async send(alert: OutboundAlert, signal: AbortSignal): Promise<SendResult> {
    const chatId = alert.payload.to.chatId;
    if (chatId === undefined) throw new ChannelError('config', 'no Telegram chat id', true);
    const token = secretFromEnv(this.env, this.config.token_env, 'Telegram bot token');
    const base = `${this.config.base_url.replace(/\/+$/, '')}/bot${token}`;
    const { rendered } = alert.payload;
    let answer;
    if (rendered.evidence && existsSync(rendered.evidence)) {
      const form = new FormData();
      form.set('chat_id', String(chatId));
      form.set('caption', [...rendered.text].slice(0, CAPTION_MAX).join(''));
      form.set('photo', new Blob([await readFile(rendered.evidence)], { type: 'image/jpeg' }), 'evidence.jpg');
      answer = await httpRequest(`${base}/sendPhoto`, { method: 'POST', body: form }, signal);
    } else {
      const body = JSON.stringify({ chat_id: chatId, text: [...rendered.text].slice(0, TEXT_MAX).join(''), disable_web_page_preview: true });
      answer = await httpRequest(`${base}/sendMessage`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }, signal);
    }
    const result = (answer.json ?? {}) as { ok?: boolean; description?: string; result?: { message_id?: number } };
    if (answer.status === 200 && result.ok) return { providerId: String(result.result?.message_id ?? '') };
    // The token is part of the URL: describe the answer, never the URL.
    if (answer.status === 429 || answer.status >= 500) throw new ChannelError('transport', `Telegram: ${describeAnswer(answer.status, answer.text)}`);
    throw new ChannelError(answer.status === 401 ? 'auth' : 'rejected', `Telegram: ${result.description ?? describeAnswer(answer.status, answer.text)}`, answer.status === 400 || answer.status === 403);
  }
}

export const telegram: ChannelDefinition<'telegram', TelegramChannelConfig> = {
  name: 'telegram',
  audience: 'broadcast',
  schema: configSchema,
  digestByDefault: true,
  secretNames: (config) => [config.token_env],
  create: (config, { env }) => new TelegramChannel(config, env),
  targets: (config) => config.chat_ids.map((chatId) => ({ recipient: `telegram:${chatId}`, chatId })),
  aloneWarning: 'Telegram is the only channel, and Vietnamese carriers block it since 2025; add Zalo, SMS or e-mail',
};
