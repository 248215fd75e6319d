/**
 * The channel registry: a channel is its file plus one line in CHANNELS. A fake channel added to
 * a test-local list is validated in the config, has its secrets listed, is routed and is
 * delivered, with no other edit; and every channel file must be in the list.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { CHANNELS, buildChannels, channelSchemas, configuredChannels, missingAlertSecrets, withChannelSections, type AnyChannelDefinition } from '../../src/alerts/channels/index.js';
import type { Channel, ChannelDefinition, OutboundAlert } from '../../src/alerts/channels/types.js';
import { directoryFromConfig } from '../../src/alerts/directory.js';
import { Dispatcher } from '../../src/alerts/dispatcher.js';
import { enqueueSecurityAlarm } from '../../src/alerts/outbox.js';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { envName } from '../../src/config/schema.js';
import { listAlerts } from '../../src/store/alerts.js';
import { openStore } from '../../src/store/db.js';

const CHANNEL_DIR = path.resolve(import.meta.dirname, '../../src/alerts/channels');
/** the registry itself and what every channel shares */
const NOT_CHANNELS = new Set(['index.ts', 'types.ts']);

function isDefinition(value: unknown): value is AnyChannelDefinition {
  return typeof value === 'object' && value !== null && 'name' in value && 'audience' in value && 'schema' in value && 'create' in value;
}

describe('every channel file is in the registry', () => {
  it('each file of src/alerts/channels exports one definition, and CHANNELS lists it', async () => {
    const files = readdirSync(CHANNEL_DIR).filter((file) => file.endsWith('.ts') && !NOT_CHANNELS.has(file));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const exports: Record<string, unknown> = await import(path.join(CHANNEL_DIR, file));
      const definitions = Object.values(exports).filter(isDefinition);
      expect(definitions, `${file} exports one ChannelDefinition`).toHaveLength(1);
      expect(CHANNELS as readonly unknown[], `${file}'s channel is listed in CHANNELS (src/alerts/channels/index.ts)`).toContain(definitions[0]);
    }
    expect(CHANNELS).toHaveLength(files.length);
    expect(new Set(CHANNELS.map((channel) => channel.name)).size).toBe(CHANNELS.length);
  });
});

/** A pager gateway no real channel resembles: a contacts channel that reaches people by phone. */
const sent: { alert: OutboundAlert; token: string | undefined }[] = [];
const pagerSchema = z.object({ url: z.string(), token_env: envName, priority: z.number().int().default(3) }).strict();
const pager: ChannelDefinition<'pager', z.infer<typeof pagerSchema>> = {
  name: 'pager',
  audience: 'contacts',
  schema: pagerSchema,
  digestByDefault: false,
  secretNames: (config) => [config.token_env],
  create: (config, { env }): Channel => ({
    name: 'pager',
    async send(alert) {
      sent.push({ alert, token: env[config.token_env] });
      return { providerId: `p${config.priority}` };
    },
  }),
  reaches: (person) => Boolean(person.phone),
};
const WITH_PAGER: readonly AnyChannelDefinition[] = [...CHANNELS, pager];

const yaml = (pagerSection: string) => `version: 1
units:
  - { id: commune-a, name: xã A, kind: commune }
alerts:
  administrators:
    - { name: Quản trị, role: it_officer, phone: "0912000009", channels: [pager] }
  channels:
    pager:
${pagerSection}
`;
const GOOD = '      { url: "https://pager.example/send", token_env: PAGER_TOKEN }';

describe('a channel added to the list', () => {
  it('is part of the config: its section is validated and completed, its name accepted in contacts', () => {
    const config = parseConfig(yaml(GOOD), '/tmp/camwatch.yaml', {}, { channels: channelSchemas(WITH_PAGER) });
    expect(config.raw.alerts?.channels).toEqual({ pager: { url: 'https://pager.example/send', token_env: 'PAGER_TOKEN', priority: 3 } });

    const bad = () => parseConfig(yaml('      { url: "https://pager.example/send" }'), '/tmp/camwatch.yaml', {}, { channels: channelSchemas(WITH_PAGER) });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/camwatch\.yaml:9:\d+ alerts\.channels\.pager\.token_env: is required/);
  });

  it('is unknown to the config of a list without it', () => {
    const load = () => parseConfig(yaml(GOOD), '/tmp/camwatch.yaml', {}, { channels: channelSchemas(CHANNELS) });
    expect(load).toThrow(/alerts\.channels: unknown field\(s\) "pager"/);
    expect(load).toThrow(/alerts\.administrators\[0\]\.channels\[0\]/);
  });

  it('has its secrets listed, and is routed and delivered', async () => {
    const config = parseConfig(yaml(GOOD), '/tmp/camwatch.yaml', {}, { channels: channelSchemas(WITH_PAGER) });
    const alerts = withChannelSections(config.raw.alerts!, WITH_PAGER);
    expect(missingAlertSecrets(alerts, {}, WITH_PAGER)).toEqual(['PAGER_TOKEN']);
    expect(missingAlertSecrets(alerts, { PAGER_TOKEN: 't0k' }, WITH_PAGER)).toEqual([]);

    const { db } = await openStore(':memory:');
    const env = { PAGER_TOKEN: 't0k' };
    const now = () => 1_000_000;
    const configured = configuredChannels(alerts, WITH_PAGER);
    expect([...configured]).toEqual(['pager']);
    const settings = { alerts, locale: 'vi' as const, timeZone: 'Asia/Ho_Chi_Minh', configured, channels: WITH_PAGER, now };
    const queued = await enqueueSecurityAlarm(db, directoryFromConfig(config), settings, { key: 'login:x', subject: 'Cảnh báo', text: 'Có người dò mật khẩu' }, now());
    expect(queued).toBe(1);

    const dispatcher = new Dispatcher(db, { channels: buildChannels(alerts, { db, env, now }, WITH_PAGER), now });
    const report = await dispatcher.tick();
    expect(report.sent).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ token: 't0k', alert: { channel: 'pager', payload: { kind: 'security', to: { phone: '0912000009' } } } });
    expect((await listAlerts(db)).map((row) => [row.channel, row.status])).toEqual([['pager', 'sent']]);
    await db.close();
  });
});
