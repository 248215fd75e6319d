/**
 * Keeps the database and the evidence folder bounded: raw checks for N days, hourly rollups for
 * M days, daily rollups for ever (a few hundred bytes per camera-day); evidence images by age
 * and by a disk quota, oldest first. Personal-data law asks that images not outlive their purpose.
 */
import { readdir, stat, unlink, rmdir } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../store/db.js';
import type { RetentionConfig } from '../config/schema.js';
import { DAY_MS } from './calendar.js';

export interface PruneReport {
  checks: number;
  hourly: number;
  evidenceFiles: number;
  evidenceBytes: number;
}

async function listFiles(dir: string): Promise<{ file: string; mtimeMs: number; size: number }[]> {
  const out: { file: string; mtimeMs: number; size: number }[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else if (entry.isFile() && entry.name.endsWith('.jpg') && entry.name !== 'latest.jpg') {
      const info = await stat(full);
      out.push({ file: full, mtimeMs: info.mtimeMs, size: info.size });
    }
  }
  return out;
}

async function removeEmptyDirs(dir: string, root: string): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await removeEmptyDirs(path.join(dir, entry.name), root);
  if (dir !== root && (await readdir(dir).catch(() => ['x'])).length === 0) await rmdir(dir).catch(() => {});
}

export async function prune(db: Database, evidenceDir: string, retention: RetentionConfig, now = Date.now()): Promise<PruneReport> {
  const checks = db.prepare('DELETE FROM checks WHERE started_at < ?').run(now - retention.raw_checks_days * DAY_MS).changes;
  const hourly = db.prepare('DELETE FROM uptime_hourly WHERE hour_start < ?').run(now - retention.hourly_days * DAY_MS).changes;

  const files = (await listFiles(evidenceDir)).sort((a, b) => a.mtimeMs - b.mtimeMs);
  const quota = retention.evidence_quota_mb * 1024 * 1024;
  let total = files.reduce((sum, f) => sum + f.size, 0);
  let evidenceFiles = 0;
  let evidenceBytes = 0;
  const forget = db.prepare('UPDATE checks SET evidence_path = NULL WHERE evidence_path = ?');
  for (const f of files) {
    const tooOld = f.mtimeMs < now - retention.evidence_days * DAY_MS;
    if (!tooOld && total <= quota) break;
    await unlink(f.file).catch(() => {});
    forget.run(f.file);
    total -= f.size;
    evidenceFiles++;
    evidenceBytes += f.size;
  }
  await removeEmptyDirs(evidenceDir, evidenceDir);
  return { checks, hourly, evidenceFiles, evidenceBytes };
}

/** SQLite's online backup: consistent while the daemon keeps writing. */
export async function backup(db: Database, destination: string): Promise<void> {
  await db.backup(destination);
}
