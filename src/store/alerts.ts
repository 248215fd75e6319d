/**
 * The alert outbox table, and the only module that reads or writes it. What to send to whom is
 * decided in src/alerts (outbox.ts writes, dispatcher.ts delivers).
 */
import type { Engine } from './engine.js';

export const ALERT_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead', 'cancelled'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export interface AlertRow {
  id: number;
  dedupe_key: string;
  request_id: string;
  incident_id: number | null;
  recipient: string;
  channel: string;
  kind: string;
  payload: string;
  status: AlertStatus;
  attempts: number;
  next_attempt_at: number;
  sending_since: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
}

export interface AlertInsert {
  dedupeKey: string;
  requestId: string;
  incidentId: number | null;
  recipient: string;
  channel: string;
  kind: string;
  /** JSON */
  payload: string;
  at: number;
}

/** Inserts the alert unless its dedupe key exists; true when a row was added. */
export async function insertAlert(db: Engine, a: AlertInsert): Promise<boolean> {
  return (
    (await db.run(`INSERT INTO alerts (dedupe_key, request_id, incident_id, recipient, channel, kind, payload, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`, a.dedupeKey, a.requestId, a.incidentId, a.recipient, a.channel, a.kind, a.payload, a.at, a.at)).changes > 0
  );
}

/** Who was told an incident opened or escalated (and not cancelled), in the order they were told. */
export async function toldAbout(db: Engine, incidentId: number): Promise<{ recipient: string; channel: string; payload: string }[]> {
  return await db.all("SELECT recipient, channel, payload FROM alerts WHERE incident_id = ? AND kind IN ('opened', 'escalation') AND status <> 'cancelled' ORDER BY id", incidentId) as {
    recipient: string;
    channel: string;
    payload: string;
  }[];
}

/**
 * Cancels an incident's unsent alerts of `kinds`; rows already sending or sent are left alone.
 * `at`, when given, is recorded as the row's last change. Returns the rows cancelled.
 */
export async function cancelUnsent(db: Engine, incidentId: number, kinds: readonly string[], reason: string, at?: number): Promise<number> {
  return (await db.run(`UPDATE alerts SET status = 'cancelled', last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at)
     WHERE incident_id = ? AND kind IN (${kinds.map(() => '?').join(', ')}) AND status IN ('pending', 'failed')`, reason, at ?? null, incidentId, ...kinds)).changes;
}

/** Whether an "opened" alert of the incident was queued and not cancelled. */
export async function hasOpenedAlerts(db: Engine, incidentId: number): Promise<boolean> {
  return await db.get("SELECT 1 FROM alerts WHERE incident_id = ? AND kind = 'opened' AND status <> 'cancelled' LIMIT 1", incidentId) !== undefined;
}

export async function hasUnsent(db: Engine, incidentId: number): Promise<boolean> {
  return await db.get("SELECT 1 FROM alerts WHERE incident_id = ? AND status IN ('pending', 'sending', 'failed') LIMIT 1", incidentId) !== undefined;
}

// --- delivery ------------------------------------------------------------------------------------

/** Rows left `sending` since before `before` (a crash mid-send) go back to pending. Returns how many. */
export async function requeueInterrupted(db: Engine, before: number, at: number): Promise<number> {
  return (await db.run("UPDATE alerts SET status = 'pending', next_attempt_at = ?, last_error = 'interrupted while sending' WHERE status = 'sending' AND sending_since <= ?", at, before)).changes;
}

export async function dueAlerts(db: Engine, now: number, limit: number): Promise<AlertRow[]> {
  return await db.all("SELECT * FROM alerts WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?", now, limit) as AlertRow[];
}

/** Marks the row `sending` unless another pass took it first; false then. */
export async function claimAlert(db: Engine, id: number, at: number): Promise<boolean> {
  return (await db.run("UPDATE alerts SET status = 'sending', attempts = attempts + 1, sending_since = ? WHERE id = ? AND status IN ('pending', 'failed')", at, id)).changes > 0;
}

export async function markSent(db: Engine, id: number, at: number): Promise<void> {
  await db.run("UPDATE alerts SET status = 'sent', sent_at = ?, sending_since = NULL, last_error = NULL WHERE id = ?", at, id);
}

/** A failed attempt: retried at `nextAttemptAt`, or dead-lettered. */
export async function markUnsent(db: Engine, id: number, status: 'failed' | 'dead', error: string, nextAttemptAt: number): Promise<void> {
  await db.run('UPDATE alerts SET status = ?, last_error = ?, next_attempt_at = ?, sending_since = NULL WHERE id = ?', status, error, nextAttemptAt, id);
}

// --- what reports, metrics and the CLI show ------------------------------------------------------

export async function listAlerts(db: Engine, filter: { incidentId?: number; status?: AlertStatus } = {}): Promise<AlertRow[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.incidentId !== undefined) {
    where.push('incident_id = ?');
    params.push(filter.incidentId);
  }
  if (filter.status) {
    where.push('status = ?');
    params.push(filter.status);
  }
  return await db.all(`SELECT * FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`, ...params) as AlertRow[];
}

/** Delivery status per channel and status, e.g. for `camwatch doctor` or a report. */
export async function outboxSummary(db: Engine): Promise<{ channel: string; status: AlertStatus; count: number }[]> {
  return await db.all('SELECT channel, status, COUNT(*) AS count FROM alerts GROUP BY channel, status ORDER BY channel, status') as { channel: string; status: AlertStatus; count: number }[];
}

/** Alerts given up on after max_attempts (or refused for good): reports must show these. */
export async function deadLetters(db: Engine, limit = 100): Promise<AlertRow[]> {
  return await db.all("SELECT * FROM alerts WHERE status = 'dead' ORDER BY id DESC LIMIT ?", limit) as AlertRow[];
}

/** Rows still to be delivered, by status. */
export async function unsentCounts(db: Engine): Promise<{ status: string; n: number }[]> {
  return await db.all("SELECT status, COUNT(*) AS n FROM alerts WHERE status IN ('pending', 'sending', 'failed') GROUP BY status") as { status: string; n: number }[];
}

export async function deadLetterCount(db: Engine): Promise<number> {
  return (await db.get("SELECT COUNT(*) AS n FROM alerts WHERE status = 'dead'") as { n: number }).n;
}
