/**
 * Keeps the database and the evidence folder bounded: raw checks for N days, hourly rollups for
 * M days, daily rollups for ever (a few hundred bytes per camera-day); evidence images by age
 * and by a disk quota, oldest first. Personal-data law asks that images not outlive their purpose.
 */
import { readdir, stat, unlink, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Engine } from '../store/db.js';
import { SqliteEngine } from '../store/sqlite.js';
import { ensurePartitions } from '../store/partitions.js';
import type { RetentionConfig } from '../config/schema.js';
import { DAY_MS } from './calendar.js';
import { forgetIncidentEvidence } from '../store/incidents.js';
import { deleteChecksBefore, forgetCheckEvidence } from '../store/checks.js';
import { deleteHourlyBefore } from '../store/uptime.js';

export interface PruneReport {
  checks: number;
  hourly: number;
  evidenceFiles: number;
  evidenceBytes: number;
}

/**
 * Evidence camwatch wrote itself (src/health/ingest.ts): <camera>/<YYYY-MM-DD>/<HHMMSS>-<kind>.jpg.
 * Retention touches nothing else under evidence_dir, whatever else an admin keeps there.
 */
const CAMERA_DIR = /^[a-z0-9][a-z0-9._-]*$/;
const DAY_DIR = /^\d{4}-\d{2}-\d{2}$/;
const EVIDENCE_FILE = /^\d{6}-(full|image|stream|device)\.jpg$/;

async function entriesOf(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

/** The day folders of our layout, each with its evidence files. */
async function evidenceDays(root: string): Promise<{ dir: string; files: { file: string; mtimeMs: number; size: number }[] }[]> {
  const days: { dir: string; files: { file: string; mtimeMs: number; size: number }[] }[] = [];
  for (const camera of await entriesOf(root)) {
    if (!camera.isDirectory() || !CAMERA_DIR.test(camera.name)) continue;
    for (const day of await entriesOf(path.join(root, camera.name))) {
      if (!day.isDirectory() || !DAY_DIR.test(day.name)) continue;
      const dir = path.join(root, camera.name, day.name);
      const files = [];
      for (const entry of await entriesOf(dir)) {
        if (!entry.isFile() || !EVIDENCE_FILE.test(entry.name)) continue;
        const full = path.join(dir, entry.name);
        const info = await stat(full).catch(() => undefined);
        if (info) files.push({ file: full, mtimeMs: info.mtimeMs, size: info.size });
      }
      days.push({ dir, files });
    }
  }
  return days;
}

export async function prune(db: Engine, evidenceDir: string, retention: RetentionConfig, now = Date.now()): Promise<PruneReport> {
  // The daily pass also makes the coming months' partitions (PostgreSQL), long before they fill.
  await ensurePartitions(db, now);
  const checks = await deleteChecksBefore(db, now - retention.raw_checks_days * DAY_MS);
  const hourly = await deleteHourlyBefore(db, now - retention.hourly_days * DAY_MS);

  const days = await evidenceDays(evidenceDir);
  const files = days.flatMap((day) => day.files).sort((a, b) => a.mtimeMs - b.mtimeMs);
  const quota = retention.evidence_quota_mb * 1024 * 1024;
  let total = files.reduce((sum, f) => sum + f.size, 0);
  let evidenceFiles = 0;
  let evidenceBytes = 0;
  for (const f of files) {
    const tooOld = f.mtimeMs < now - retention.evidence_days * DAY_MS;
    if (!tooOld && total <= quota) break;
    await unlink(f.file).catch(() => {});
    await forgetCheckEvidence(db, f.file);
    await forgetIncidentEvidence(db, f.file);
    total -= f.size;
    evidenceFiles++;
    evidenceBytes += f.size;
  }
  // Only day folders of our layout, and only once empty (rmdir refuses a folder that is not).
  for (const day of days) await rmdir(day.dir).catch(() => {});
  return { checks, hourly, evidenceFiles, evidenceBytes };
}

/** SQLite's online backup: consistent while the daemon keeps writing. PostgreSQL has pg_dump for that. */
export async function backup(db: Engine, destination: string): Promise<void> {
  if (!(db instanceof SqliteEngine)) throw new Error('camwatch backup copies a SQLite database; back up PostgreSQL with pg_dump');
  await db.raw.backup(destination);
}
