/**
 * A small district with history written straight into the tables (no probing): two communes and
 * a third, public and household cameras, two contractors, incidents, checks, uptime rollups,
 * snapshots on disk, users of every role, and a log that is captured for scanning.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { openStore } from '../../src/store/db.js';
import { dayStart } from '../../src/health/calendar.js';
import { createLogger } from '../../src/log.js';
import { addUser } from '../../src/server/auth.js';
import type { Role } from '../../src/store/users.js';
import { buildServer } from '../../src/server/app.js';

export const TZ = 'Asia/Ho_Chi_Minh';
export const HOUR = 3_600_000;
export const MINUTE = 60_000;
/** 2026-01-05 00:00 in Vietnam */
export const DAY0 = dayStart('2026-01-05', TZ);
export const NOW = DAY0 + 10 * HOUR;

/** Camera passwords (environment) — must never appear in any answer or log line. */
export const CAMERA_PASSWORDS = { PW_A: 'Secret-Cam-A-7q9x2', PW_B: 'Secret-Cam-B-k3m8w', PW_H: 'Secret-Home-H-p5z1v' };
export const USER_PASSWORD = 'Correct-Horse-42!';

export const YAML = `
version: 1
server:
  login_rate_limit: { max_failures: 5, window_s: 30, lockout_s: 300 }
  report: { issuer: CÔNG AN XÃ A, parent_issuer: CÔNG AN TỈNH GIA LAI }
units:
  - id: province
    name: tỉnh Gia Lai
    kind: province
    code: "52"
    children:
      - id: commune-a
        name: xã A
        kind: commune
        code: "21001"
        population: 12000
        area_km2: 40
        children:
          - { id: area-a1, name: thôn A1, kind: area }
      - { id: commune-b, name: xã B, kind: commune, code: "21002", population: 8000, area_km2: 25.5 }
      - { id: commune-c, name: xã C, kind: commune, code: "21003" }
contractors:
  - { id: ct, name: Công ty Viễn thông Một, contract: { acknowledge_hours: 4, repair_hours: 48 } }
  - { id: ct2, name: Công ty Hai, contract: { ref: "HĐ số 12/2025/HĐ-UBND", acknowledge_hours: 2, repair_hours: 24 } }
cameras:
  - { id: a1, name: Ngã ba chợ A, unit: commune-a, contractor: ct, onvif: { host: 10.0.0.1, password_env: PW_A }, rtsp_url: "rtsp://10.0.0.1/Streaming/101" }
  - { id: a2, name: Cầu thôn A1, unit: area-a1, contractor: ct, tags: [black_spot], location: Cầu tràn, lat: 13.9, lon: 109.1, onvif: { host: 10.0.0.2, password_env: PW_A } }
  - { id: h1, name: Nhà ông Tư, unit: commune-a, owner_type: household, owner: { name: Nguyễn Văn Tư, phone: "0912345678", consent: true, sharing: police_only }, contractor: ct, onvif: { host: 10.0.0.3, password_env: PW_H } }
  - { id: b1, name: UBND xã B, unit: commune-b, contractor: ct2, onvif: { host: 10.0.1.1, password_env: PW_B } }
  - { id: b2, name: Trường học B, unit: commune-b, owner_type: school, contractor: ct2, onvif: { host: 10.0.1.2, password_env: PW_B } }
`;

export interface Fixture {
  db: Awaited<ReturnType<typeof openStore>>['db'];
  evidenceDir: string;
  logLines: string[];
  incidents: { a1Image: number; b1Offline: number; h1Offline: number; groupB: number };
  server: Awaited<ReturnType<typeof buildServer>>;
  config: ReturnType<typeof parseConfig>;
}

export const USERS: { name: string; role: Role; unitId?: string; contractorId?: string }[] = [
  { name: 'admin', role: 'admin' },
  { name: 'viewer', role: 'viewer' },
  { name: 'chief-a', role: 'commune_chief', unitId: 'commune-a' },
  { name: 'chief-b', role: 'commune_chief', unitId: 'commune-b' },
  { name: 'contractor-1', role: 'contractor', contractorId: 'ct' },
];

/** A tiny valid JPEG header is enough: the server sends bytes, it does not decode them. */
export const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);

export async function seed(db: Fixture['db'], evidenceDir: string) {
  const check = (...values: unknown[]) => db.run(
    `INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, error_kind, failed_stage, detail, observation, evidence_path, image_ok, findings, last_at)
     VALUES (?, 'image', ?, 800, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...values,
  );
  const health = (...values: unknown[]) => db.run('INSERT INTO camera_health (camera_id, state, since, last_check_at, last_image_ok) VALUES (?, ?, ?, ?, ?)', ...values);
  const daily = (...values: unknown[]) => db.run('INSERT INTO uptime_daily (camera_id, day, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures) VALUES (?, ?, ?, ?, ?, 0, ?, ?)', ...values);
  const incident = (...values: unknown[]) => db.insert(
    `INSERT INTO incidents (scope, camera_id, unit_id, group_id, kind, detail, opened_at, evidence_path, contractor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, ...values,
  );
  const obs = JSON.stringify({ stages: { reach: 12, onvif: 140, rtsp: 600 }, device: { manufacturer: 'Hikvision', model: 'DS-2CD1043', firmware: 'V5.7' } });
  // checks: a leaked URL with a password in a failure detail — the API must still not show it
  await check('b1', DAY0 + 1 * HOUR, 'fail', 'unreachable', 'reach', `connect ECONNREFUSED rtsp://admin:${CAMERA_PASSWORDS.PW_B}@10.0.1.1:554/ch1`, '{}', null, null, null, null);
  await check('a1', DAY0 + 2 * HOUR, 'ok', null, null, null, obs, path.join(evidenceDir, 'a1', '2026-01-04', '190000-image.jpg'), 0, JSON.stringify(['blurred']), DAY0 + 2 * HOUR);
  await check('a1', DAY0 + 3 * HOUR, 'ok', null, null, null, obs, null, 0, JSON.stringify(['blurred']), DAY0 + 3 * HOUR);
  // a2, a black spot: dark at 20:00 and 23:00 local on the 3rd, and at 02:00 on the 4th (same night)
  for (const at of [DAY0 - 2 * 24 * HOUR + 20 * HOUR, DAY0 - 2 * 24 * HOUR + 23 * HOUR, DAY0 - 24 * HOUR + 2 * HOUR, DAY0 - 24 * HOUR + 21 * HOUR])
    await check('a2', at, 'ok', null, null, null, obs, null, 0, JSON.stringify(['dark', 'lighting_recommendation']), at);
  await check('h1', DAY0 + 4 * HOUR, 'fail', 'unreachable', 'reach', 'timeout', '{}', null, null, null, null);

  await health('a1', 'degraded', DAY0 + 2 * HOUR, DAY0 + 3 * HOUR, 0);
  await health('a2', 'online', DAY0, DAY0 + 3 * HOUR, 1);
  await health('h1', 'offline', DAY0 + 4 * HOUR, DAY0 + 4 * HOUR, null);
  await health('b1', 'offline', DAY0 + 1 * HOUR, DAY0 + 1 * HOUR, null);
  await health('b2', 'online', DAY0, DAY0 + 1 * HOUR, 1);

  for (const day of ['2026-01-03', '2026-01-04']) {
    await daily('a1', day, 20 * HOUR, 19 * HOUR, 18 * HOUR, 1200, 2);
    await daily('a2', day, 24 * HOUR, 24 * HOUR, 22 * HOUR, 1440, 0);
    await daily('h1', day, 10 * HOUR, 5 * HOUR, 5 * HOUR, 600, 300);
    await daily('b1', day, 24 * HOUR, 12 * HOUR, 12 * HOUR, 1440, 720);
    await daily('b2', day, 24 * HOUR, 24 * HOUR, 24 * HOUR, 1440, 0);
  }

  const evidence = path.join(evidenceDir, 'a1', '2026-01-04', '190000-image.jpg');
  const groupB = await incident('unit', null, 'commune-b', null, 'power_or_network', '2/2', DAY0 + HOUR, null, null);
  const b1Offline = await incident('camera', 'b1', null, groupB, 'offline', 'unreachable', DAY0 + HOUR, null, 'ct2');
  const a1Image = await incident('camera', 'a1', null, null, 'image:blurred', 'Ảnh mờ', DAY0 + 2 * HOUR, evidence, 'ct');
  const h1Offline = await incident('camera', 'h1', null, null, 'offline', 'timeout', DAY0 + 4 * HOUR, null, 'ct');
  // a resolved one, for SLA: repaired in 50 h (limit 48)
  await incident('camera', 'b2', null, null, 'offline', 'x', DAY0 - 3 * 24 * HOUR, null, 'ct2');
  await db.run('UPDATE incidents SET acknowledged_at = opened_at + ?, resolved_at = opened_at + ? WHERE camera_id = ? AND kind = ?', HOUR, 50 * HOUR, 'b2', 'offline');

  for (const id of ['a1', 'a2', 'h1', 'b1', 'b2']) {
    mkdirSync(path.join(evidenceDir, id), { recursive: true });
    writeFileSync(path.join(evidenceDir, id, 'latest.jpg'), JPEG);
  }
  mkdirSync(path.dirname(evidence), { recursive: true });
  writeFileSync(evidence, JPEG);
  return { a1Image, b1Offline, h1Offline, groupB };
}

/** `server` replaces the fixture's server section (YAML flow mapping), e.g. to put it behind a proxy. */
export async function makeFixture(options: { withUsers?: boolean; server?: string; now?: () => number } = {}): Promise<Fixture> {
  const yaml = options.server ? YAML.replace(/^server:\n(?: {2}.*\n)+/m, `server: ${options.server}\n`) : YAML;
  const config = parseConfig(yaml, 'test.yaml', CAMERA_PASSWORDS);
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  const evidenceDir = mkdtempSync(path.join(tmpdir(), 'camwatch-server-'));
  const incidents = await seed(db, evidenceDir);
  if (options.withUsers !== false) {
    for (const user of USERS) await addUser(db, { ...user, password: USER_PASSWORD }, 0);
  }
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } as never });
  const server = await buildServer({ db, config, evidenceDir, log: log as unknown as FastifyBaseLogger, now: options.now ?? (() => NOW), ffmpeg: locateFfmpeg().ffmpeg });
  return { db, evidenceDir, logLines, incidents, server, config };
}

/** Bearer tokens of fixture users, by name, logged in through the API. */
export async function loginAs(fx: Fixture, names: readonly string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  for (const name of names) {
    const answer = await fx.server.inject({ method: 'POST', url: '/api/login', payload: { username: name, password: USER_PASSWORD } });
    tokens.set(name, answer.json<{ token: string }>().token);
  }
  return tokens;
}
