/**
 * `camwatch ack <incident> --by NAME` and `camwatch resolve <incident> --by NAME`. Acknowledging
 * stops reminders and escalation, not tracking: the incident stays open until the camera
 * recovers (or someone resolves it). Wiring (src/cli.ts):
 *   program.command('ack').argument('<incident>').requiredOption('--by <name>').addOption(configOption())
 *     .action((id, o) => { const app = openApp(o.config); const r = runAckCommand(app.db, id, o.by, locale()); app.db.close(); console.log(r.lines.join('\n')); process.exitCode = r.exitCode; });
 */
import type { Database } from '../store/db.js';
import { acknowledgeIncident, getIncident, openMembers, resolveIncident, type Incident } from '../health/incidents.js';
import type { HealthEvent } from '../health/engine.js';
import { translator, type Catalogue, type Locale } from '../i18n/index.js';

export const ackMessages = {
  vi: {
    badId: 'Mã sự cố "{id}" không hợp lệ: dùng số, ví dụ camwatch ack 12 --by "Nguyễn Văn A".',
    noBy: 'Cần ghi tên người xác nhận: --by "<họ tên>".',
    notFound: 'Không có sự cố #{id}.',
    acked: 'Đã xác nhận sự cố #{id} ({kind}) — {by}. Ngừng nhắc lại và chuyển cấp; sự cố vẫn được theo dõi đến khi camera hoạt động lại.',
    alreadyAcked: 'Sự cố #{id} đã được xác nhận trước đó bởi {by}.',
    resolved: 'Đã đóng sự cố #{id} ({kind}) — {by}.',
    alreadyResolved: 'Sự cố #{id} đã đóng trước đó ({by}).',
  },
  en: {
    badId: 'Incident id "{id}" is not valid: use a number, e.g. camwatch ack 12 --by "Nguyen Van A".',
    noBy: 'Say who acknowledges: --by "<name>".',
    notFound: 'There is no incident #{id}.',
    acked: 'Incident #{id} ({kind}) acknowledged by {by}. Reminders and escalation stop; the incident stays tracked until the camera recovers.',
    alreadyAcked: 'Incident #{id} was already acknowledged by {by}.',
    resolved: 'Incident #{id} ({kind}) resolved by {by}.',
    alreadyResolved: 'Incident #{id} was already resolved ({by}).',
  },
} satisfies Catalogue<Record<string, string>>;

export interface CommandResult {
  ok: boolean;
  exitCode: number;
  lines: string[];
}

function parse(db: Database, raw: string | number, by: string, locale: Locale) {
  const t = translator(ackMessages, locale);
  const id = typeof raw === 'number' ? raw : Number(String(raw).replace(/^#/, ''));
  if (!Number.isInteger(id) || id <= 0) return { error: { ok: false, exitCode: 2, lines: [t('badId', { id: String(raw) })] } };
  if (!by.trim()) return { error: { ok: false, exitCode: 2, lines: [t('noBy')] } };
  const incident = getIncident(db, id);
  if (!incident) return { error: { ok: false, exitCode: 1, lines: [t('notFound', { id })] } };
  return { id, incident, t };
}

/** Acknowledge; pending reminders and escalations of the incident (and of a group's members) are cancelled. */
export function runAckCommand(db: Database, rawId: string | number, by: string, locale: Locale = 'vi', now = Date.now()): CommandResult {
  const parsed = parse(db, rawId, by, locale);
  if ('error' in parsed) return parsed.error as CommandResult;
  const { id, incident, t } = parsed;
  const name = by.trim();
  const changed = db.transaction(() => {
    const done = acknowledgeIncident(db, id, now, name);
    if (done) {
      const members = db.prepare('SELECT id FROM incidents WHERE group_id = ? AND acknowledged_at IS NULL').all(id) as { id: number }[];
      for (const member of members) acknowledgeIncident(db, member.id, now, name);
      db.prepare(
        `UPDATE alerts SET status = 'cancelled', last_error = 'acknowledged' WHERE kind IN ('reminder', 'escalation') AND status IN ('pending', 'failed')
           AND (incident_id = ? OR incident_id IN (SELECT id FROM incidents WHERE group_id = ?))`,
      ).run(id, id);
    }
    return done;
  })();
  if (!changed) return { ok: true, exitCode: 0, lines: [t('alreadyAcked', { id, by: incident.acknowledged_by ?? '?' })] };
  return { ok: true, exitCode: 0, lines: [t('acked', { id, kind: incident.kind, by: name })] };
}

/** Resolve by hand (the camera was replaced, retired, …). Unsent reminders and escalations are cancelled. */
/**
 * Close by hand. `notify` (the alert outbox's writer, src/app/alerts.ts `queueAlerts`) tells
 * everyone who was told of the incident that it was closed, and by whom.
 */
export function runResolveCommand(db: Database, rawId: string | number, by: string, locale: Locale = 'vi', now = Date.now(), notify?: (event: HealthEvent) => void): CommandResult {
  const parsed = parse(db, rawId, by, locale);
  if ('error' in parsed) return parsed.error as CommandResult;
  const { id, incident, t } = parsed;
  const name = by.trim();
  const changed = db.transaction(() => {
    const done = resolveIncident(db, id, now, name);
    if (!done) return false;
    // Closing a group closes its members; closing the last open member closes its group.
    const closed = [id];
    if (incident.scope !== 'camera') {
      for (const member of db.prepare('SELECT id FROM incidents WHERE group_id = ? AND resolved_at IS NULL').all(id) as { id: number }[]) {
        if (resolveIncident(db, member.id, now, name)) closed.push(member.id);
      }
    } else if (incident.group_id !== null && openMembers(db, incident.group_id) === 0 && resolveIncident(db, incident.group_id, now, name)) {
      closed.push(incident.group_id);
    }
    const cancel = db.prepare("UPDATE alerts SET status = 'cancelled', last_error = 'resolved by hand' WHERE incident_id = ? AND kind IN ('reminder', 'escalation') AND status IN ('pending', 'failed')");
    for (const closedId of closed) {
      cancel.run(closedId);
      notify?.({ type: 'resolved', incident: getIncident(db, closedId) as Incident });
    }
    return true;
  })();
  if (!changed) return { ok: true, exitCode: 0, lines: [t('alreadyResolved', { id, by: incident.resolved_by ?? '?' })] };
  return { ok: true, exitCode: 0, lines: [t('resolved', { id, kind: incident.kind, by: name })] };
}
