import { describe, expect, it } from 'vitest';
import { listIncidents } from '../../src/store/incidents.js';
import { readHealth } from '../../src/store/camera-health.js';
import { addMaintenance } from '../../src/health/maintenance.js';
import { BLURRED, CLEAR, MINUTE, setup } from './fleet-fixture.js';

describe('health state and incidents', () => {
  it('opens an incident only after 3 consecutive failures and closes it after 2 good checks', async () => {
    const { check, events } = await setup();
    expect((await check('a1', 0)).state).toBe('online');
    expect((await check('a1', 1 * MINUTE, 'unreachable')).state).toBe('online');
    expect((await check('a1', 2 * MINUTE, 'timeout')).state).toBe('online');
    expect(events).toEqual([]);
    expect((await check('a1', 3 * MINUTE, 'unreachable')).state).toBe('offline');
    expect(events.map((e) => [e.type, e.incident.kind, e.incident.camera_id])).toEqual([['opened', 'offline', 'a1']]);
    expect((await check('a1', 4 * MINUTE)).state).toBe('offline');
    expect((await check('a1', 5 * MINUTE)).state).toBe('online');
    expect(events.map((e) => e.type)).toEqual(['opened', 'resolved']);
    expect(events[1]?.incident.resolved_at).toBe(5 * MINUTE);
  });

  it('a flapping camera does not make a storm of incidents', async () => {
    const { check, events } = await setup();
    for (let i = 0; i < 60; i++) await check('a1', i * MINUTE, i % 2 === 0 ? 'unreachable' : undefined);
    expect(events).toEqual([]);
  });

  it('a refused password opens an auth incident at once (retrying would lock the account)', async () => {
    const { check, events } = await setup();
    expect((await check('b1', 0, 'auth_failed')).state).toBe('auth_failed');
    expect(events[0]?.incident.kind).toBe('auth_failed');
  });

  it('a stream that fails at every stream check while snapshots answer is "stream_down", closed by a good stream check', async () => {
    const { engine, events, check } = await setup();
    const streamCheck = async (at: number, ok: boolean) =>
      await engine.record({
        cameraId: 'a1', kind: 'stream', startedAt: at, durationMs: 100, status: ok ? 'ok' : 'fail', warnings: [], stages: {},
        ...(ok ? { frameSource: 'rtsp' as const } : { failure: { kind: 'no_frame' as const, stage: 'rtsp' as const, detail: 'stream opened but no frame' } }),
      });
    // A stream check every 3 minutes fails; the image checks (snapshots) between them are fine.
    for (let i = 0; i < 3; i++) {
      await streamCheck(i * 3 * MINUTE, false);
      await check('a1', i * 3 * MINUTE + MINUTE);
      await check('a1', i * 3 * MINUTE + 2 * MINUTE);
    }
    expect(events.map((e) => [e.type, e.incident.kind])).toEqual([['opened', 'stream_down']]);
    expect((await streamCheck(9 * MINUTE, true)).state).toBe('online');
    expect(events.map((e) => [e.type, e.incident.kind])).toEqual([['opened', 'stream_down'], ['resolved', 'stream_down']]);
  });

  it('does not count the stream as down for stream checks that failed while the whole camera was: no "stream down" the moment it recovers', async () => {
    const { engine, events, check } = await setup();
    const failingStreamCheck = async (at: number) =>
      await engine.record({
        cameraId: 'a1', kind: 'stream', startedAt: at, durationMs: 100, status: 'fail', warnings: [], stages: {},
        failure: { kind: 'no_stream', stage: 'rtsp', detail: 'the camera closed the RTSP connection while options' },
      });
    // A hung camera: snapshots time out, and its stream checks fail at the RTSP stage too.
    for (let i = 0; i < 3; i++) await check('a1', i * MINUTE, 'timeout');
    for (let i = 0; i < 3; i++) await failingStreamCheck((3 + i) * MINUTE);
    await check('a1', 6 * MINUTE);
    await check('a1', 7 * MINUTE);
    expect(events.map((e) => [e.type, e.incident.kind])).toEqual([['opened', 'offline'], ['resolved', 'offline']]);
    // A stream that stays down once the camera answers is still reported, from fresh failures.
    for (let i = 0; i < 3; i++) {
      await failingStreamCheck((8 + 3 * i) * MINUTE);
      await check('a1', (9 + 3 * i) * MINUTE);
      await check('a1', (10 + 3 * i) * MINUTE);
    }
    expect(events.map((e) => [e.type, e.incident.kind]).at(-1)).toEqual(['opened', 'stream_down']);
  });

  it('remembers refused passwords in the store, for the scheduler after a restart; a good check forgets', async () => {
    const { check, engine } = await setup();
    await check('b1', 0, 'auth_failed');
    await check('b1', 15 * MINUTE, 'auth_failed');
    await check('a1', 0, 'unreachable');
    expect(await engine.refusedPasswords()).toEqual(new Map([['b1', { refusals: 2, lastAt: 15 * MINUTE }]]));
    await check('b1', 60 * MINUTE);
    expect(await engine.refusedPasswords()).toEqual(new Map());
  });

  it('an image finding becomes an incident only when it persists over the window, never from one frame', async () => {
    const { check, events } = await setup();
    await check('c1', 0, undefined, BLURRED);
    await check('c1', 5 * MINUTE, undefined, BLURRED);
    await check('c1', 10 * MINUTE, undefined, BLURRED);
    expect(events).toEqual([]);
    expect((await check('c1', 15 * MINUTE, undefined, BLURRED)).state).toBe('degraded');
    expect(events.map((e) => e.incident.kind)).toEqual(['image:blurred']);
    await check('c1', 16 * MINUTE, undefined, CLEAR);
    expect((await check('c1', 17 * MINUTE, undefined, CLEAR)).state).toBe('online');
    // A single bad frame after recovery starts a new window and opens nothing.
    await check('c1', 18 * MINUTE, undefined, BLURRED);
    await check('c1', 19 * MINUTE, undefined, CLEAR);
    await check('c1', 40 * MINUTE, undefined, BLURRED);
    expect(events.filter((e) => e.type === 'opened')).toHaveLength(1);
  });

  it('names the image incident after the finding that lasted, not the first one the latest check lists', async () => {
    const { check, events } = await setup();
    const overexposed = { ok: false, kinds: ['overexposed'], detail: 'Ảnh cháy sáng' };
    for (const minute of [0, 5, 10]) await check('c1', minute * MINUTE, undefined, overexposed);
    // The due check also reads covered, listed first (the detectors' order).
    await check('c1', 15 * MINUTE, undefined, { ...overexposed, kinds: ['covered', 'overexposed'] });
    expect(events.map((e) => e.incident.kind)).toEqual(['image:overexposed']);
  });

  it('an offline fault supersedes an open image incident', async () => {
    const { check, events, db } = await setup();
    await check('c1', 0, undefined, BLURRED);
    await check('c1', 20 * MINUTE, undefined, BLURRED);
    for (let i = 1; i <= 3; i++) await check('c1', (20 + i) * MINUTE, 'unreachable');
    expect(events.map((e) => `${e.type}:${e.incident.kind}`)).toEqual(['opened:image:blurred', 'superseded:image:blurred', 'opened:offline']);
    expect((await listIncidents(db, { open: true })).map((i) => i.kind)).toEqual(['offline']);
  });

  it('groups cameras of one unit failing together into one incident', async () => {
    const { check, events, db } = await setup();
    // b1..b3 lose power together; each is checked at its own time.
    for (let round = 0; round < 3; round++) for (const [k, id] of ['b1', 'b2', 'b3'].entries()) await check(id, (round * 60 + k * 10) * 1000, 'unreachable');
    const opened = events.filter((e) => e.type === 'opened').map((e) => e.incident);
    const groups = opened.filter((i) => i.scope === 'unit');
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ unit_id: 'commune-b', kind: 'power_or_network', detail: '3/3' });
    const members = (await listIncidents(db, { open: true })).filter((i) => i.scope === 'camera');
    expect(members).toHaveLength(3);
    expect(new Set(members.map((i) => i.group_id))).toEqual(new Set([groups[0]?.id]));
    // Recovery of all members resolves the group.
    for (let round = 3; round < 5; round++) for (const id of ['b1', 'b2', 'b3']) await check(id, round * MINUTE, undefined);
    expect(await listIncidents(db, { open: true })).toEqual([]);
  });

  it('groups at the smallest unit where most cameras fail: an area inside a commune', async () => {
    const { check, events } = await setup();
    for (let round = 0; round < 3; round++) for (const id of ['a1', 'a2']) await check(id, round * MINUTE, 'unreachable');
    // Only 2 cameras: below min_cameras (3) for a group; they stay separate.
    expect(events.filter((e) => e.incident.scope !== 'camera')).toEqual([]);
    for (let round = 0; round < 3; round++) await check('a3', round * MINUTE + 1, 'unreachable');
    const group = events.find((e) => e.incident.scope === 'unit')?.incident;
    expect(group).toMatchObject({ unit_id: 'commune-a', detail: '3/4' });
    // The two that opened earlier are adopted into the group.
    expect(events.filter((e) => e.type === 'grouped').map((e) => e.incident.camera_id).sort()).toEqual(['a1', 'a2']);
  });

  it('many cameras of one unit turning blurred together is one weather/lighting incident, not three tamper reports', async () => {
    const { check, events } = await setup();
    for (let minute = 0; minute <= 16; minute += 4) for (const id of ['b1', 'b2', 'b3']) await check(id, minute * MINUTE, undefined, BLURRED);
    const opened = events.filter((e) => e.type === 'opened').map((e) => e.incident);
    const groups = opened.filter((i) => i.scope === 'unit');
    expect(groups.map((g) => [g.kind, g.unit_id, g.detail])).toEqual([['area_image_blurred', 'commune-b', '3/3']]);
    expect(opened.filter((i) => i.scope === 'camera').every((i) => i.group_id === groups[0]?.id)).toBe(true);
  });

  it('a grouped image incident whose last open camera goes offline is superseded with it, not announced as recovered', async () => {
    const { check, events } = await setup();
    for (let minute = 0; minute <= 16; minute += 4) for (const id of ['b1', 'b2', 'b3']) await check(id, minute * MINUTE, undefined, BLURRED);
    for (const minute of [20, 24]) for (const id of ['b1', 'b2']) await check(id, minute * MINUTE, undefined, CLEAR);
    for (const minute of [21, 25, 29]) await check('b3', minute * MINUTE, 'unreachable');
    const closed = events.filter((e) => e.type === 'resolved' || e.type === 'superseded').map((e) => `${e.type}:${e.incident.camera_id ?? e.incident.kind}`);
    expect(closed).toEqual(['resolved:b1', 'resolved:b2', 'superseded:b3', 'superseded:area_image_blurred']);
  });

  it('when nearly every camera fails at once, suspects the server network instead', async () => {
    const { check, events } = await setup();
    const all = ['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'c1'];
    for (let round = 0; round < 3; round++) for (const id of all) await check(id, round * MINUTE, 'unreachable');
    const nonCamera = events.filter((e) => e.type === 'opened' && e.incident.scope !== 'camera').map((e) => e.incident);
    expect(nonCamera.some((i) => i.scope === 'server' && i.kind === 'server_network')).toBe(true);
  });

  it('opens no incident inside a maintenance window, but keeps counting', async () => {
    const { check, events, db } = await setup();
    await addMaintenance(db, { unitId: 'commune-c', startsAt: 0, endsAt: 10 * MINUTE, reason: 'thay dây' }, 0);
    for (let i = 0; i < 5; i++) await check('c1', i * MINUTE, 'unreachable');
    expect(events).toEqual([]);
    expect((await readHealth(db, 'c1'))?.fail_streak).toBe(5);
    await check('c1', 11 * MINUTE, 'unreachable');
    expect(events.map((e) => e.incident.kind)).toEqual(['offline']);
  });
});

describe('check storage', () => {
  it('keeps a run of healthy checks within an hour as one row, counting each, and failures as their own rows', async () => {
    const { check, db } = await setup();
    for (let i = 0; i < 50; i++) await check('a1', i * MINUTE);
    await check('a1', 50 * MINUTE, 'timeout');
    for (let i = 51; i < 70; i++) await check('a1', i * MINUTE);
    const rows = await db.all("SELECT status, repeat_count, started_at, last_at FROM checks WHERE camera_id = 'a1' ORDER BY id");
    expect(rows).toEqual([
      { status: 'ok', repeat_count: 50, started_at: 0, last_at: 49 * MINUTE },
      { status: 'fail', repeat_count: 1, started_at: 50 * MINUTE, last_at: 50 * MINUTE },
      { status: 'ok', repeat_count: 9, started_at: 51 * MINUTE, last_at: 59 * MINUTE },
      { status: 'ok', repeat_count: 10, started_at: 60 * MINUTE, last_at: 69 * MINUTE },
    ]);
    expect(await db.get("SELECT SUM(checks) AS n FROM uptime_daily WHERE camera_id = 'a1'")).toEqual({ n: 70 });
  });
});
