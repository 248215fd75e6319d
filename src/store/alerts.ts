/**
 * The alert outbox table, and the only module that reads or writes it. What to send to whom is
 * decided in src/alerts (outbox.ts writes, dispatcher.ts delivers).
 */
import { statement, type Database } from './db.js';

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
export function insertAlert(db: Database, a: AlertInsert): boolean {
  return (
    statement(
      db,
      `INSERT INTO alerts (dedupe_key, request_id, incident_id, recipient, channel, kind, payload, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
    ).run(a.dedupeKey, a.requestId, a.incidentId, a.recipient, a.channel, a.kind, a.payload, a.at, a.at).changes > 0
  );
}

/** Who was told an incident opened or escalated (and not cancelled), in the order they were told. */
export function toldAbout(db: Database, incidentId: number): { recipient: string; channel: string; payload: string }[] {
  return statement(db, "SELECT recipient, channel, payload FROM alerts WHERE incident_id = ? AND kind IN ('opened', 'escalation') AND status <> 'cancelled' ORDER BY id").all(incidentId) as {
    recipient: string;
    channel: string;
    payload: string;
  }[];
}

/**
 * Cancels an incident's unsent alerts of `kinds`; rows already sending or sent are left alone.
 * `at`, when given, is recorded as the row's last change. Returns the rows cancelled.
 */
export function cancelUnsent(db: Database, incidentId: number, kinds: readonly string[], reason: string, at?: number): number {
  return statement(
    db,
    `UPDATE alerts SET status = 'cancelled', last_error = ?, next_attempt_at = COALESCE(?, next_attempt_at)
     WHERE incident_id = ? AND kind IN (${kinds.map(() => '?').join(', ')}) AND status IN ('pending', 'failed')`,
  ).run(reason, at ?? null, incidentId, ...kinds).changes;
}

/** Whether an "opened" alert of the incident was queued and not cancelled. */
export function hasOpenedAlerts(db: Database, incidentId: number): boolean {
  return statement(db, "SELECT 1 FROM alerts WHERE incident_id = ? AND kind = 'opened' AND status <> 'cancelled' LIMIT 1").get(incidentId) !== undefined;
}

export function hasUnsent(db: Database, incidentId: number): boolean {
  return statement(db, "SELECT 1 FROM alerts WHERE incident_id = ? AND status IN ('pending', 'sending', 'failed') LIMIT 1").get(incidentId) !== undefined;
}

// --- delivery ------------------------------------------------------------------------------------

/** Rows left `sending` since before `before` (a crash mid-send) go back to pending. Returns how many. */
export function requeueInterrupted(db: Database, before: number, at: number): number {
  return statement(db, "UPDATE alerts SET status = 'pending', next_attempt_at = ?, last_error = 'interrupted while sending' WHERE status = 'sending' AND sending_since <= ?").run(at, before).changes;
}

export function dueAlerts(db: Database, now: number, limit: number): AlertRow[] {
  return statement(db, "SELECT * FROM alerts WHERE status IN ('pending', 'failed') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?").all(now, limit) as AlertRow[];
}

/** Marks the row `sending` unless another pass took it first; false then. */
export function claimAlert(db: Database, id: number, at: number): boolean {
  return statement(db, "UPDATE alerts SET status = 'sending', attempts = attempts + 1, sending_since = ? WHERE id = ? AND status IN ('pending', 'failed')").run(at, id).changes > 0;
}

export function markSent(db: Database, id: number, at: number): void {
  statement(db, "UPDATE alerts SET status = 'sent', sent_at = ?, sending_since = NULL, last_error = NULL WHERE id = ?").run(at, id);
}

/** A failed attempt: retried at `nextAttemptAt`, or dead-lettered. */
export function markUnsent(db: Database, id: number, status: 'failed' | 'dead', error: string, nextAttemptAt: number): void {
  statement(db, 'UPDATE alerts SET status = ?, last_error = ?, next_attempt_at = ?, sending_since = NULL WHERE id = ?').run(status, error, nextAttemptAt, id);
}

// --- what reports, metrics and the CLI show ------------------------------------------------------

export function listAlerts(db: Database, filter: { incidentId?: number; status?: AlertStatus } = {}): AlertRow[] {
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
  return db.prepare(`SELECT * FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id`).all(...params) as AlertRow[];
}

/** Delivery status per channel and status, e.g. for `camwatch doctor` or a report. */
export function outboxSummary(db: Database): { channel: string; status: AlertStatus; count: number }[] {
  return statement(db, 'SELECT channel, status, COUNT(*) AS count FROM alerts GROUP BY channel, status ORDER BY channel, status').all() as { channel: string; status: AlertStatus; count: number }[];
}

/** Alerts given up on after max_attempts (or refused for good): reports must show these. */
export function deadLetters(db: Database, limit = 100): AlertRow[] {
  return statement(db, "SELECT * FROM alerts WHERE status = 'dead' ORDER BY id DESC LIMIT ?").all(limit) as AlertRow[];
}

/** Rows still to be delivered, by status. */
export function unsentCounts(db: Database): { status: string; n: number }[] {
  return statement(db, "SELECT status, COUNT(*) AS n FROM alerts WHERE status IN ('pending', 'sending', 'failed') GROUP BY status").all() as { status: string; n: number }[];
}

export function deadLetterCount(db: Database): number {
  return (statement(db, "SELECT COUNT(*) AS n FROM alerts WHERE status = 'dead'").get() as { n: number }).n;
}
