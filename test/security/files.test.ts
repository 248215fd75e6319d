/**
 * camwatch's files: retention deletes only the evidence it wrote itself, and evidence cannot be
 * pointed at a system folder.
 */
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { prune } from '../../src/health/retention.js';
import { openStore } from '../../src/store/db.js';

const DAY = 86_400_000;
const retention = { raw_checks_days: 30, hourly_days: 90, evidence_days: 30, evidence_quota_mb: 1 };

describe('retention', () => {
  it('leaves alone every old file and empty folder under evidence_dir that camwatch did not write', async () => {
    const { db } = await openStore(':memory:');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'camwatch-evidence-'));
    const now = Date.now();
    const old = (file: string) => {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, Buffer.alloc(100));
      const t = (now - 400 * DAY) / 1000;
      utimesSync(file, t, t);
      return file;
    };
    const ours = old(path.join(dir, 'cam-1', '2025-10-01', '080000-image.jpg'));
    const foreign = [
      old(path.join(dir, 'photos-of-the-opening.jpg')),
      old(path.join(dir, 'cam-1', 'handover.jpg')),
      old(path.join(dir, 'cam-1', '2025-10-01', 'site-visit.jpg')),
      old(path.join(dir, 'Archive 2024', '2024-05-01', '080000-image.jpg')),
    ];
    mkdirSync(path.join(dir, 'kept-empty-folder'));
    const report = await prune(db, dir, retention, now);
    expect(report.evidenceFiles).toBe(1);
    expect(existsSync(ours)).toBe(false);
    for (const file of foreign) expect(existsSync(file), file).toBe(true);
    expect(existsSync(path.join(dir, 'kept-empty-folder'))).toBe(true);
    await db.close();
  });
});

describe('evidence_dir', () => {
  it.each(['/etc', '/', '/usr/share/camwatch', '/etc/camwatch/evidence'])('%s is refused as a system folder', (dir) => {
    const yaml = `version: 1\nevidence_dir: ${dir}\nunits: [{ id: xa, name: xã A, kind: commune }]\ncameras: []\n`;
    expect(() => parseConfig(yaml, '/srv/camwatch/camwatch.yaml', {})).toThrow(ConfigError);
    expect(() => parseConfig(yaml, '/srv/camwatch/camwatch.yaml', {})).toThrow(/evidence_dir.*system folder/s);
  });

  it('a folder of its own is fine', () => {
    expect(() => parseConfig('version: 1\nevidence_dir: /var/lib/camwatch/evidence\nunits: [{ id: xa, name: xã A, kind: commune }]\ncameras: []\n', '/srv/camwatch/camwatch.yaml', {})).not.toThrow();
  });
});
