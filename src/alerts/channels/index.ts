/**
 * The alert channels. A new channel is its file, which exports a ChannelDefinition, plus one line
 * in CHANNELS: the config's channel names and sections, routing, delivery and the secret lists
 * are derived from this list. The functions take the list as a parameter (CHANNELS by default)
 * so a test can derive from a list of its own.
 */
import { channelSectionsSchema, type AlertsConfig, type ChannelSchemas } from '../../config/schema.js';
import type { AlertKind } from '../router.js';
import { email } from './email.js';
import { sms } from './sms.js';
import { telegram } from './telegram.js';
import type { Channel, ChannelDefinition, ChannelDeps } from './types.js';
import { webhook } from './webhook.js';
import { zalo } from './zalo.js';

export const CHANNELS = [zalo, sms, email, webhook, telegram] as const;

// `any`: a list holds channels of different config types; each definition is only ever given its own section.
export type AnyChannelDefinition = ChannelDefinition<string, any>;

/** For loading the config: each channel's name and the schema of its section. */
export function channelSchemas(channels: readonly AnyChannelDefinition[] = CHANNELS): ChannelSchemas {
  return Object.fromEntries(channels.map((channel) => [channel.name, channel.schema]));
}

/**
 * The alerts config with its channel sections checked and completed (defaults) by their schemas.
 * A config loaded with channelSchemas() is already; one loaded without (tests, a caller that
 * forgot) would otherwise reach the channels unchecked. Throws on an unknown or invalid section.
 */
export function withChannelSections(alerts: AlertsConfig, channels: readonly AnyChannelDefinition[] = CHANNELS): AlertsConfig {
  return { ...alerts, channels: channelSectionsSchema(channelSchemas(channels)).parse(alerts.channels) };
}

/** alerts.digest_channels, or by default the channels that take the digest unless told otherwise. */
export function digestChannels(alerts: AlertsConfig, channels: readonly AnyChannelDefinition[] = CHANNELS): ReadonlySet<string> {
  return new Set(alerts.digest_channels ?? channels.filter((channel) => channel.digestByDefault).map((channel) => channel.name));
}

/** The channel's section of alerts.channels; undefined when it is not configured. */
export function channelConfig(alerts: Pick<AlertsConfig, 'channels'>, channel: AnyChannelDefinition): unknown {
  return (alerts.channels as Record<string, unknown>)[channel.name];
}

/** The configured channels of the list, in its order. */
function configuredDefinitions(alerts: Pick<AlertsConfig, 'channels'>, channels: readonly AnyChannelDefinition[]): AnyChannelDefinition[] {
  return channels.filter((channel) => channelConfig(alerts, channel) !== undefined);
}

export function configuredChannels(alerts: Pick<AlertsConfig, 'channels'>, channels: readonly AnyChannelDefinition[] = CHANNELS): Set<string> {
  return new Set(configuredDefinitions(alerts, channels).map((channel) => channel.name));
}

export function buildChannels(alerts: Pick<AlertsConfig, 'channels'>, deps: ChannelDeps, channels: readonly AnyChannelDefinition[] = CHANNELS): Map<string, Channel> {
  return new Map(configuredDefinitions(alerts, channels).map((channel) => [channel.name, channel.create(channelConfig(alerts, channel), deps)]));
}

/** Environment variables the configured channels read that are not set (to warn at start). */
export function missingAlertSecrets(alerts: Pick<AlertsConfig, 'channels'>, env: NodeJS.ProcessEnv = process.env, channels: readonly AnyChannelDefinition[] = CHANNELS): string[] {
  const names = configuredDefinitions(alerts, channels).flatMap((channel) => channel.secretNames(channelConfig(alerts, channel)));
  return [...new Set(names.filter((name) => !env[name]))];
}

/** Whether the channel can carry alerts of this kind; one that needs its section to tell cannot once it is no longer configured. */
export function carries(alerts: Pick<AlertsConfig, 'channels'>, channel: AnyChannelDefinition, kind: AlertKind): boolean {
  if (!channel.carries) return true;
  const config = channelConfig(alerts, channel);
  return config !== undefined && channel.carries(config, kind);
}
