/**
 * What people do to an incident, from the CLI or the HTTP API: acknowledge it (reminders and
 * escalation stop, tracking goes on until the camera recovers) or close it by hand (the camera
 * was replaced, retired, …). Each is one transaction; the callers only say who and format.
 */
import type { Engine } from '../store/db.js';
import { translator, type Locale } from '../i18n/index.js';
import { acknowledgeIncident, getIncident, memberIds, openMembers, resolveIncident, type Incident } from '../store/incidents.js';
import { cancelUnsent } from '../store/alerts.js';
import type { HealthEvent } from './engine.js';
import { healthMessages, incidentKindName } from './messages.js';

/**
 * What a contractor repairs under its maintenance contract: a camera that is offline, streams no video or whose
 * picture is bad. A refused password (the commune's configuration), an area's power or network
 * and the server's own network are not its work, so it may not acknowledge them: that would
 * silence the police chief's reminders and escalation.
 */
export function repairedByContractor(incident: { scope: string; kind: string }): boolean {
  return incident.scope === 'camera' && (incident.kind === 'offline' || incident.kind === 'stream_down' || incident.kind.startsWith('image:'));
}

/** What a person's acknowledgement or closing makes pointless to send. */
const FOLLOW_UPS = ['reminder', 'escalation'];

export interface ManualOutcome {
  action: 'acknowledge' | 'resolve';
  /** false: it had been done before (by `incident.acknowledged_by` / `resolved_by`) */
  changed: boolean;
  /** as it is after the transaction */
  incident: Incident;
}

/** Acknowledge; pending reminders and escalations of the incident (and of a group's members) are cancelled. */
export async function acknowledgeByHand(db: Engine, id: number, by: string, at: number): Promise<ManualOutcome | undefined> {
  if (!await getIncident(db, id)) return undefined;
  const changed = await db.transaction(async () => {
    const done = await acknowledgeIncident(db, id, at, by);
    if (done) {
      for (const member of await memberIds(db, id, 'unacknowledged')) await acknowledgeIncident(db, member, at, by);
      for (const told of [id, ...await memberIds(db, id, 'all')]) await cancelUnsent(db, told, FOLLOW_UPS, 'acknowledged');
    }
    return done;
  });
  return { action: 'acknowledge', changed, incident: await getIncident(db, id) as Incident };
}

/**
 * Close by hand. Unsent reminders and escalations are cancelled, and `notify` (the alert outbox's
 * writer) tells everyone who was told of each closed incident that it was closed, and by whom.
 */
export async function resolveByHand(db: Engine, id: number, by: string, at: number, notify?: (event: HealthEvent) => void | Promise<void>): Promise<ManualOutcome | undefined> {
  const incident = await getIncident(db, id);
  if (!incident) return undefined;
  const changed = await db.transaction(async () => {
    if (!await resolveIncident(db, id, at, by)) return false;
    // Closing a group closes its members; closing the last open member closes its group.
    const closed = [id];
    if (incident.scope !== 'camera') {
      for (const member of await memberIds(db, id, 'open')) if (await resolveIncident(db, member, at, by)) closed.push(member);
    } else if (incident.group_id !== null && await openMembers(db, incident.group_id) === 0 && await resolveIncident(db, incident.group_id, at, by)) {
      closed.push(incident.group_id);
    }
    for (const closedId of closed) {
      await cancelUnsent(db, closedId, FOLLOW_UPS, 'resolved by hand');
      await notify?.({ type: 'resolved', incident: await getIncident(db, closedId) as Incident });
    }
    return true;
  });
  return { action: 'resolve', changed, incident: await getIncident(db, id) as Incident };
}

/** One line for the person who asked, in the CLI and the API alike. */
export function describeManual({ action, changed, incident }: ManualOutcome, locale: Locale): string {
  const t = translator(healthMessages, locale);
  const { id } = incident;
  const kind = incidentKindName(incident.kind, locale);
  if (action === 'acknowledge') return t(changed ? 'acked' : 'alreadyAcked', { id, kind, by: incident.acknowledged_by ?? '?' });
  return t(changed ? 'resolved' : 'alreadyResolved', { id, kind, by: incident.resolved_by ?? '?' });
}
