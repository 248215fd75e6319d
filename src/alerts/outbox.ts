/**
 * The durable outbox. Alert rows are written by the health engine's `onEvent`, inside the
 * transaction that opened or resolved the incident, so an incident never exists without its
 * alerts (nor alerts without their incident). A UNIQUE dedupe key makes every write idempotent:
 * the same alert decided twice (a replayed event, a planner run after a restart) is one row.
 */
import { createHash } from 'node:crypto';
import type { Engine } from '../store/db.js';
import type { HealthEvent } from '../health/engine.js';
import { incidentsOpenOrResolvedSince, openUngroupedIncidents, type Incident } from '../store/incidents.js';
import { cancelUnsent, hasOpenedAlerts, hasUnsent, insertAlert, toldAbout } from '../store/alerts.js';
import type { AlertsConfig } from '../config/schema.js';
import { formatDate, formatTime, type Locale } from '../i18n/index.js';
import { unitPath, type Directory, type Person } from './directory.js';
import { CHANNELS, carries, channelConfig, digestChannels, type AnyChannelDefinition } from './channels/index.js';
import { chiefOf, personalChannels, route, isHardwareFault, type AlertKind, type EscalationReason } from './router.js';
import { localDay, problemText, renderAlert, t, type RenderedAlert } from './messages.js';
import type { AlertPayload } from './channels/types.js';
import { kvGet, kvSet } from '../store/kv.js';

export interface OutboxSettings {
  alerts: AlertsConfig;
  /** default language; a contact's own `locale` wins */
  locale: Locale;
  timeZone: string;
  configured: ReadonlySet<string>;
  /** the channel list; CHANNELS unless a test brings its own */
  channels?: readonly AnyChannelDefinition[] | undefined;
  now?: () => number;
}

/** Stable for a dedupe key: the same alert carries the same id to the gateway on every retry. */
export function requestIdFor(dedupeKey: string): string {
  return 'cw' + createHash('sha256').update(dedupeKey).digest('hex').slice(0, 30);
}

interface NewAlert {
  dedupeKey: string;
  incidentId: number | null;
  recipient: string;
  channel: string;
  kind: AlertKind;
  payload: AlertPayload;
  at: number;
}

/** Inserts the alert unless its dedupe key exists; true when a row was added. */
export async function enqueueAlert(db: Engine, alert: NewAlert): Promise<boolean> {
  return await insertAlert(db, { ...alert, requestId: requestIdFor(alert.dedupeKey), payload: JSON.stringify(alert.payload) });
}

/** A channel no longer in the list is let through: the dispatcher dead-letters its rows with the reason. */
function hasTemplate(settings: OutboxSettings, channel: string, kind: AlertKind): boolean {
  const definition = (settings.channels ?? CHANNELS).find((d) => d.name === channel);
  return !definition || carries(settings.alerts, definition, kind);
}

function broadcastTargets(settings: OutboxSettings): { channel: string; recipient: string; chatId?: string | number }[] {
  return (settings.channels ?? CHANNELS).flatMap((definition) =>
    definition.audience === 'broadcast' && settings.configured.has(definition.name)
      ? definition.targets(channelConfig(settings.alerts, definition)).map((target) => ({ channel: definition.name, ...target }))
      : [],
  );
}

/** Routes one incident alert and writes a row per recipient and channel. Returns rows added. */
export async function enqueueIncidentAlerts(
  db: Engine,
  directory: Directory,
  settings: OutboxSettings,
  incident: Incident,
  kind: 'opened' | 'reminder' | 'escalation',
  at: number,
  options: { reason?: EscalationReason; round?: number } = {},
): Promise<number> {
  const { recipients, broadcast } = route({ incident, kind, reason: options.reason, directory, configured: settings.configured, channels: settings.channels });
  const tag = kind === 'escalation' ? `escalation.${options.reason ?? 'unacknowledged'}` : kind === 'reminder' ? `reminder.${options.round ?? 1}` : kind;
  const base = { incident, kind, reason: options.reason, directory, timeZone: settings.timeZone, publicUrl: settings.alerts.public_url, escalateAfterMinutes: settings.alerts.escalate_after_minutes, at };
  let added = 0;
  for (const recipient of recipients) {
    const locale = recipient.person.locale ?? settings.locale;
    const rendered = renderAlert({ ...base, recipientReason: recipient.reason, locale });
    for (const channel of recipient.channels) {
      if (!hasTemplate(settings, channel, kind)) continue;
      const to = { name: recipient.person.name, role: recipient.person.role, reason: recipient.reason, phone: recipient.person.phone, email: recipient.person.email };
      added += Number(
        await enqueueAlert(db, { dedupeKey: `${tag}:${incident.id}:${recipient.person.key}:${channel}`, incidentId: incident.id, recipient: recipient.person.key, channel, kind, payload: { kind, incidentId: incident.id, to, rendered }, at }),
      );
    }
  }
  if (broadcast) {
    const rendered = renderAlert({ ...base, recipientReason: 'broadcast', locale: settings.locale });
    const told = recipients.map((r) => ({ name: r.person.name, role: r.person.role, reason: r.reason }));
    for (const target of broadcastTargets(settings)) {
      const to = { name: target.recipient, role: 'broadcast', reason: 'broadcast' as const, chatId: target.chatId };
      added += Number(
        await enqueueAlert(db, { dedupeKey: `${tag}:${incident.id}:${target.recipient}:${target.channel}`, incidentId: incident.id, recipient: target.recipient, channel: target.channel, kind, payload: { kind, incidentId: incident.id, to, rendered, recipients: told }, at }),
      );
    }
  }
  return added;
}

/** One recovery notice to everyone (and every channel) that was told the incident opened or escalated. */
export async function enqueueRecovery(db: Engine, directory: Directory, settings: OutboxSettings, incident: Incident, at: number): Promise<number> {
  const told = await toldAbout(db, incident.id);
  const seen = new Set<string>();
  let added = 0;
  for (const row of told) {
    const pair = `${row.recipient}:${row.channel}`;
    if (seen.has(pair) || !hasTemplate(settings, row.channel, 'recovery')) continue;
    seen.add(pair);
    const before = JSON.parse(row.payload) as AlertPayload;
    const rendered = renderAlert({
      incident, kind: 'recovery', directory, timeZone: settings.timeZone, publicUrl: settings.alerts.public_url, at,
      recipientReason: before.to.reason, locale: before.rendered.locale,
    });
    added += Number(
      await enqueueAlert(db, { dedupeKey: `recovery:${incident.id}:${pair}`, incidentId: incident.id, recipient: row.recipient, channel: row.channel, kind: 'recovery', payload: { ...before, kind: 'recovery', rendered }, at }),
    );
  }
  return added;
}

/**
 * The function to give the health engine as `onEvent`. It runs inside the engine's transaction:
 * the alert rows commit with the incident change or not at all.
 */
export function createOutboxWriter(db: Engine, directory: Directory, settings: OutboxSettings): (event: HealthEvent) => void | Promise<void> {
  const now = settings.now ?? Date.now;
  return async (event) => {
    const at = now();
    switch (event.type) {
      case 'opened':
        await enqueueIncidentAlerts(db, directory, settings, event.incident, 'opened', at);
        break;
      case 'resolved':
        await cancelUnsent(db, event.incident.id, ['reminder'], 'superseded', at);
        await enqueueRecovery(db, directory, settings, event.incident, at);
        break;
      case 'superseded':
        // Not a recovery: the incident that replaced it announces what is wrong now. What is
        // still unsent about the old one would only confuse.
        await cancelUnsent(db, event.incident.id, ['opened', 'reminder', 'escalation'], 'superseded', at);
        break;
      case 'grouped':
        // The camera is now part of a shared outage: the group's one alert replaces its own if still unsent.
        await cancelUnsent(db, event.incident.id, ['opened', 'reminder'], 'superseded', at);
        break;
    }
  };
}

/**
 * Reminders, escalations and digests due at `now`. Idempotent (dedupe keys), so it may run at
 * every dispatcher tick and again after a restart.
 */
export async function planFollowUps(db: Engine, directory: Directory, settings: OutboxSettings, now: number): Promise<number> {
  const { alerts } = settings;
  return await db.transaction(async () => {
    let added = 0;
    for (const incident of await openUngroupedIncidents(db)) {
      if (!await hasOpenedAlerts(db, incident.id)) continue;
      const age = now - incident.opened_at;
      if (incident.acknowledged_at === null) {
        const reminderMs = alerts.reminder_minutes * 60_000;
        if (reminderMs > 0 && age >= reminderMs && !await hasUnsent(db, incident.id)) {
          added += await enqueueIncidentAlerts(db, directory, settings, incident, 'reminder', now, { round: Math.floor(age / reminderMs) });
        }
        if (incident.scope !== 'server' && age >= alerts.escalate_after_minutes * 60_000) {
          added += await enqueueIncidentAlerts(db, directory, settings, incident, 'escalation', now, { reason: 'unacknowledged' });
        }
      }
      const contractor = incident.contractor_id ? directory.contractors.get(incident.contractor_id) : undefined;
      if (incident.scope === 'camera' && contractor && isHardwareFault(incident.kind) && age >= contractor.repairHours * 3_600_000) {
        added += await enqueueIncidentAlerts(db, directory, settings, incident, 'escalation', now, { reason: 'repair_breach' });
      }
    }
    added += await planDigests(db, directory, settings, now);
    return added;
  });
}

const DIGEST_DAY = 'alerts.digest_day';

interface DigestScope {
  title: string;
  units: Set<string> | undefined; // undefined: the whole fleet
}

async function renderDigest(db: Engine, directory: Directory, settings: OutboxSettings, scope: DigestScope, day: string, locale: Locale, now: number): Promise<RenderedAlert> {
  const inScope = (incident: Incident) => {
    if (!scope.units) return true;
    const unit = incident.camera_id ? directory.cameras.get(incident.camera_id)?.unitId : incident.unit_id;
    return unit !== undefined && unit !== null && scope.units.has(unit);
  };
  const rows = (await incidentsOpenOrResolvedSince(db, now - 86_400_000, scope.units ? 'server' : '')).filter(inScope);
  const open = rows.filter((i) => i.resolved_at === null);
  const resolved = rows.filter((i) => i.resolved_at !== null);
  const image = open.filter((i) => i.kind.startsWith('image:'));
  const dark = image.filter((i) => i.kind === 'image:dark').map((i) => directory.cameras.get(i.camera_id ?? '')?.name ?? i.camera_id ?? '');
  const subject = t(locale, 'digest_title', { date: formatDate(now, settings.timeZone), unit: scope.title });
  const lines = [subject, t(locale, 'digest_open', { count: open.length }), t(locale, 'digest_resolved', { count: resolved.length }), t(locale, 'digest_image', { count: image.length })];
  for (const incident of open.filter((i) => i.group_id === null)) {
    const camera = incident.camera_id ? directory.cameras.get(incident.camera_id)?.name ?? incident.camera_id : unitPath(directory, incident.unit_id);
    const ack = incident.acknowledged_by ? t(locale, 'digest_acked', { by: incident.acknowledged_by }) : '';
    lines.push(t(locale, 'digest_item', { id: incident.id, problem: problemText(incident, directory, locale), camera, since: formatTime(incident.opened_at, locale, settings.timeZone), ack }));
  }
  if (dark.length > 0) lines.push(t(locale, 'digest_lighting', { cameras: dark.join(', ') }));
  if (rows.length === 0) lines.push(t(locale, 'digest_none'));
  const fields = { date: day, unit: scope.title, open: String(open.length), resolved: String(resolved.length), image: String(image.length) };
  return { locale, subject, text: lines.join('\n'), short: `${subject}. ${lines.slice(1, 4).join('. ')}`, fields };
}

/** Once a day at `digest_hour` (local time): each police chief gets the communes they answer for, administrators and broadcast channels the whole fleet. */
export async function planDigests(db: Engine, directory: Directory, settings: OutboxSettings, now: number): Promise<number> {
  const { alerts } = settings;
  if (alerts.digest_hour === undefined) return 0;
  const { day, hour } = localDay(now, settings.timeZone);
  if (hour < alerts.digest_hour || await kvGet(db, DIGEST_DAY) === day) return 0;
  const wanted = digestChannels(alerts, settings.channels);
  const configured = new Set([...settings.configured].filter((c) => wanted.has(c)));
  let added = 0;
  const send = async (person: Person, scope: DigestScope) => {
    const locale = person.locale ?? settings.locale;
    const rendered = await renderDigest(db, directory, settings, scope, day, locale, now);
    for (const channel of personalChannels(person, configured, settings.channels)) {
      if (!hasTemplate(settings, channel, 'digest')) continue;
      const to = { name: person.name, role: person.role, reason: 'chief' as const, phone: person.phone, email: person.email };
      added += Number(await enqueueAlert(db, { dedupeKey: `digest:${day}:${person.key}:${channel}`, incidentId: null, recipient: person.key, channel, kind: 'digest', payload: { kind: 'digest', incidentId: null, to, rendered }, at: now }));
    }
  };
  const covered = new Map<string, Set<string>>();
  for (const unit of directory.units.values()) {
    const chief = chiefOf(directory, unit.id);
    if (!chief) continue;
    const set = covered.get(chief.unit.id) ?? new Set<string>();
    set.add(unit.id);
    covered.set(chief.unit.id, set);
  }
  for (const [unitId, units] of covered) {
    const chief = chiefOf(directory, unitId);
    for (const person of chief?.chiefs ?? []) await send(person, { title: unitPath(directory, unitId), units });
  }
  const fleetTitle = t(settings.locale, 'digest_fleet');
  for (const person of directory.administrators) await send({ ...person, key: `${person.key}` }, { title: fleetTitle, units: undefined });
  const fleet = await renderDigest(db, directory, settings, { title: fleetTitle, units: undefined }, day, settings.locale, now);
  for (const target of broadcastTargets(settings)) {
    if (!configured.has(target.channel)) continue;
    const to = { name: target.recipient, role: 'broadcast', reason: 'broadcast' as const, chatId: target.chatId };
    added += Number(await enqueueAlert(db, { dedupeKey: `digest:${day}:${target.recipient}:${target.channel}`, incidentId: null, recipient: target.recipient, channel: target.channel, kind: 'digest', payload: { kind: 'digest', incidentId: null, to, rendered: fleet }, at: now }));
  }
  await kvSet(db, DIGEST_DAY, day, now);
  return added;
}

export interface SecurityAlarm {
  /** what the alarm is about, e.g. "login:chief-a": one alarm per key per hour */
  key: string;
  subject: string;
  text: string;
}

/**
 * An alarm about camwatch itself for the administrators (alerts.administrators), on their
 * personal channels that can carry it (not those whose messages must follow a registered
 * template). Returns the number of messages queued.
 */
export async function enqueueSecurityAlarm(db: Engine, directory: Directory, settings: OutboxSettings, alarm: SecurityAlarm, now: number): Promise<number> {
  const hour = Math.floor(now / 3_600_000);
  const configured = new Set([...settings.configured].filter((channel) => hasTemplate(settings, channel, 'security')));
  const rendered = { locale: settings.locale, subject: alarm.subject, text: alarm.text, short: `camwatch: ${alarm.subject}`, fields: {} };
  let added = 0;
  for (const person of directory.administrators) {
    for (const channel of personalChannels(person, configured, settings.channels)) {
      const to = { name: person.name, role: person.role, reason: 'admin' as const, phone: person.phone, email: person.email };
      added += Number(
        await enqueueAlert(db, { dedupeKey: `security:${alarm.key}:${hour}:${person.key}:${channel}`, incidentId: null, recipient: person.key, channel, kind: 'security', payload: { kind: 'security', incidentId: null, to, rendered }, at: now }),
      );
    }
  }
  return added;
}
