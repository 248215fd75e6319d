/** Builds the configured channel adapters. */
import type { AlertsConfig } from '../../config/schema.js';
import type { Database } from '../../store/db.js';
import type { ChannelName } from '../directory.js';
import { EmailChannel } from './email.js';
import { SmsChannel } from './sms.js';
import { TelegramChannel } from './telegram.js';
import type { Channel } from './types.js';
import { WebhookChannel } from './webhook.js';
import { ZaloChannel } from './zalo.js';

export function buildChannels(config: AlertsConfig, db: Database, env: NodeJS.ProcessEnv = process.env, now: () => number = Date.now): Map<ChannelName, Channel> {
  const out = new Map<ChannelName, Channel>();
  const { zalo, sms, email, webhook, telegram } = config.channels;
  if (zalo) out.set('zalo', new ZaloChannel(zalo, db, env, now));
  if (sms) out.set('sms', new SmsChannel(sms, env));
  if (email) out.set('email', new EmailChannel(email, env));
  if (webhook) out.set('webhook', new WebhookChannel(webhook, env, now));
  if (telegram) out.set('telegram', new TelegramChannel(telegram, env));
  return out;
}

export function configuredChannels(config: AlertsConfig): Set<ChannelName> {
  return new Set(Object.entries(config.channels).filter(([, value]) => value !== undefined).map(([name]) => name as ChannelName));
}
