import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { CHIEF_A, CHIEF_G, CONTRACTOR_PHONE, FakeGateways, MINUTE, Smtp, T0, fleetYaml, setupAlerts } from './fixture.js';
import { listAlerts, outboxSummary, deadLetters } from '../../src/store/alerts.js';
import { kvGet } from '../../src/store/kv.js';
import { runAckCommand, runResolveCommand } from '../../src/app/ack-command.js';
import { passwordGuessingAlarm } from '../../src/app/alerts.js';
import { listIncidents } from '../../src/store/incidents.js';
import { smsSize } from '../../src/alerts/sms-encoding.js';

let gw: FakeGateways;
let smtp: Smtp;

beforeAll(async () => {
  gw = await new FakeGateways().start();
  smtp = await new Smtp().start();
});
afterAll(async () => {
  await gw.stop();
  await smtp.stop();
});
beforeEach(() => {
  gw.received = [];
  gw.down.clear();
  gw.seenSms.clear();
  smtp.mails = [];
  gw.refreshes = [];
  gw.accessToken = 'stale';
  gw.refreshToken = 'R0';
});

const zaloTo = (phone: string) => gw.of('/zalo/message/template').filter((r) => r.json.phone === phone);
const smsTo = (phone: string) => gw.of('/sms').filter((r) => r.json.Phone === phone);
const mailTo = (address: string) => smtp.mails.filter((m) => JSON.stringify(m.to).includes(address));

describe('alerts end to end (health engine → outbox → local gateways)', () => {
  it('a camera going offline reaches its commune chief once per channel within 3 check intervals; recovery once', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    // One check a minute; the third failure opens the incident.
    for (let i = 0; i < 3; i++) {
      await check('a1', T0 + i * MINUTE, 'unreachable');
      await tick();
    }
    // a1 is in area-a1 (no chief there): the chief of xã Tuy Phước, one unit up, is told.
    expect(zaloTo('84912000001')).toHaveLength(1);
    expect(smsTo(CHIEF_A)).toHaveLength(1);
    expect(mailTo('chief-a@example.vn')).toHaveLength(1);
    expect(gw.of('/webhook')).toHaveLength(1);
    expect(gw.of('/telegram')).toHaveLength(1);
    // The contractor gets a work order on the channels they chose (sms, email), not Zalo.
    expect(smsTo(CONTRACTOR_PHONE)).toHaveLength(1);
    expect(mailTo('repair@abc.vn')).toHaveLength(1);
    expect(zaloTo('84988000001')).toHaveLength(0);
    // Nobody else.
    expect(smtp.mails).toHaveLength(2);

    const zalo = zaloTo('84912000001')[0]!;
    expect(zalo.json).toMatchObject({ template_id: '1001', tracking_id: expect.stringMatching(/^cw[0-9a-f]{30}$/) });
    expect(zalo.json.template_data).toMatchObject({ camera: 'Ngã ba Diêu Trì', unit: 'thôn Phú Mỹ', problem: 'Camera mất kết nối', since: '07:02 ngày 05/01/2026' });
    expect(JSON.stringify(zalo.json.template_data)).not.toMatch(/https?:|\d{9}/);

    const mail = mailTo('chief-a@example.vn')[0]!;
    expect(mail.subject).toBe('[camwatch] Camera mất kết nối');
    expect(mail.text).toContain('Địa điểm: QL1A km 1230 — thôn Phú Mỹ, xã Tuy Phước, tỉnh Gia Lai');
    expect(mail.text).toContain('https://www.google.com/maps?q=13.8123,109.1456');
    expect(mail.text).toContain('Từ lúc: 07:02 ngày 05/01/2026');
    expect(mail.text).toMatch(/https:\/\/camwatch\.example\.vn\/incidents\/\d+\/ack/);
    // The chief gets the link only, never a command line.
    expect(mail.text).not.toMatch(/camwatch ack|--by/);
    expect(mailTo('repair@abc.vn')[0]!.text).toContain('Phiếu sửa chữa cho Công ty Viễn thông ABC');

    const sms = smsTo(CHIEF_A)[0]!;
    expect(sms.json.Content).toMatch(/^Camera mat ket noi\. Nga ba Dieu Tri\. thon Phu My\. 07:02 ngay 05\/01\/2026\. #\d+ https:\/\/camwatch\.example\.vn\/incidents\/\d+\/ack$/);

    // More failing checks send nothing new.
    for (let i = 3; i < 6; i++) {
      await check('a1', T0 + i * MINUTE, 'unreachable');
      await tick();
    }
    expect(zaloTo('84912000001')).toHaveLength(1);

    // Recovery after 2 good checks: one notice per channel to everyone told.
    await check('a1', T0 + 6 * MINUTE);
    await check('a1', T0 + 7 * MINUTE);
    await tick();
    expect(zaloTo('84912000001').map((r) => r.json.template_id)).toEqual(['1001', '1002']);
    expect(smsTo(CHIEF_A)).toHaveLength(2);
    expect(mailTo('chief-a@example.vn').map((m) => m.subject)).toEqual(['[camwatch] Camera mất kết nối', '[camwatch] Đã khắc phục sự cố: Camera mất kết nối']);
    expect(mailTo('chief-a@example.vn')[1]!.text).toContain('Hoạt động lại lúc 07:07 ngày 05/01/2026, gián đoạn 5 phút.');
    expect(gw.of('/webhook')).toHaveLength(2);
    expect(smsTo(CONTRACTOR_PHONE)).toHaveLength(2);
    // Every SMS the gateway got fits one GSM-7 part and ends with the incident number (and the link, but after recovery).
    for (const request of gw.of('/sms')) {
      const content = request.json.Content as string;
      expect(smsSize(content, 'gsm7').segments, content).toBe(1);
      expect(content, content).toMatch(/ #\d+( https:\/\/camwatch\.example\.vn\/incidents\/\d+\/ack)?$/);
    }
    await tick(T0 + 10 * MINUTE);
    expect((await listAlerts(db)).every((a) => a.status === 'sent')).toBe(true);
    expect((await outboxSummary(db)).every((s) => s.status === 'sent')).toBe(true);
  });

  it('an unclear-image incident replaced by "offline" is not announced as recovered', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    const blurred = { ok: false, kinds: ['blurred'], detail: 'Ảnh mờ' };
    // The blur persists past the image window: an image incident, announced.
    for (let i = 0; i <= 30; i += 5) {
      await check('a1', T0 + i * MINUTE, undefined, blurred);
      await tick();
    }
    expect(mailTo('chief-a@example.vn').map((m) => m.subject)).toEqual(['[camwatch] Hình ảnh camera bị mờ']);
    // Then the camera goes dark entirely: "offline" replaces it, and nobody is told it recovered.
    for (let i = 31; i < 34; i++) {
      await check('a1', T0 + i * MINUTE, 'unreachable');
      await tick();
    }
    expect((await listIncidents(db)).filter((incident) => incident.camera_id === 'a1').map((incident) => [incident.kind, incident.resolved_by])).toEqual(
      expect.arrayContaining([['image:blurred', 'camwatch:superseded'], ['offline', null]]),
    );
    const subjects = mailTo('chief-a@example.vn').map((m) => m.subject);
    expect(subjects).toEqual(['[camwatch] Hình ảnh camera bị mờ', '[camwatch] Camera mất kết nối']);
    expect(subjects.join('\n')).not.toMatch(/khắc phục/i);
  });

  it('password guessing on the dashboard reaches the administrators by e-mail, once an hour, not by Zalo', async () => {
    const { db, config, tick, clock } = await setupAlerts(fleetYaml(gw, smtp.port));
    const alarm = passwordGuessingAlarm({ db, config }, () => clock.now)!;
    await alarm('chief-a', 3);
    await alarm('chief-a', 4);
    await tick();
    const mails = mailTo('admin@example.vn');
    expect(mails.map((m) => m.subject)).toEqual(['Cảnh báo an ninh: có người dò mật khẩu tài khoản "chief-a"']);
    expect(mails[0]!.text).toContain('từ 3 địa chỉ khác nhau');
    expect(gw.of('/zalo/message/template')).toHaveLength(0);
  });

  it('a recovery never goes out before the "opened" message it answers, even when that one is still waiting to be retried', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    gw.down.add('sms');
    let t = T0;
    for (let i = 0; i < 3; i++, t += MINUTE) {
      await check('a2', t, 'unreachable');
      await tick(t);
    }
    // The "opened" SMS keeps failing: its next retry moves further away.
    for (const end = T0 + 20 * MINUTE; t < end; t += MINUTE) await tick(t);
    gw.down.clear();
    await check('a2', t);
    await check('a2', t + MINUTE);
    const toChief = async () => {
      const byId = new Map((await listAlerts(db)).map((a) => [a.request_id, a]));
      return gw.of('/sms').filter((r) => r.json.Phone === CHIEF_A).map((r) => byId.get(String(r.json.RequestId))?.kind);
    };
    await tick(t + MINUTE);
    expect((await toChief())[0] ?? 'nothing yet').not.toBe('recovery');
    for (const end = t + 120 * MINUTE; t < end; t += MINUTE) await tick(t);
    expect(await toChief()).toEqual(['opened', 'recovery']);
  });

  it('a channel down for an hour: every alert is delivered afterwards, none twice', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    gw.down.add('sms');
    gw.down.add('zalo');
    // Two cameras of different communes fail; one recovers during the outage.
    let t = T0;
    for (let i = 0; i < 3; i++, t += MINUTE) {
      await check('a2', t, 'unreachable');
      await check('b1', t, 'timeout');
      await tick();
    }
    await check('a2', t);
    await check('a2', t + MINUTE);
    // An hour of simulated time, the dispatcher ticking each minute.
    for (const end = T0 + 60 * MINUTE; t < end; t += MINUTE) await tick(t);
    expect(gw.of('/sms')).toHaveLength(0);
    expect(gw.of('/webhook').length).toBeGreaterThan(0); // other channels went on
    const waiting = (await listAlerts(db)).filter((a) => a.channel === 'sms');
    expect(waiting.every((a) => a.status === 'failed' || a.status === 'pending')).toBe(true);
    expect(await deadLetters(db)).toEqual([]);

    gw.down.clear();
    for (const end = t + 60 * MINUTE; t < end; t += MINUTE) await tick(t);
    const sms = (await listAlerts(db)).filter((a) => a.channel === 'sms');
    expect(sms.length).toBeGreaterThanOrEqual(4); // a2 opened+recovery to chief and contractor, b1 work order
    expect(sms.every((a) => a.status === 'sent')).toBe(true);
    // Per person and channel, messages about one incident arrive in the order they were written:
    // never "working again" before the "offline" it answers.
    const byId = new Map((await listAlerts(db)).map((a) => [a.request_id, a]));
    const toChief = gw.of('/sms').filter((r) => r.json.Phone === CHIEF_A).map((r) => byId.get(String(r.json.RequestId))?.kind);
    expect(toChief).toEqual(['opened', 'recovery']);
    const ids = gw.of('/sms').map((r) => r.json.RequestId);
    expect(ids).toHaveLength(sms.length);
    expect(new Set(ids).size).toBe(ids.length);
    // Opened before recovery for the same recipient.
    const a2chief = smsTo(CHIEF_A).map((r) => r.json.Content as string);
    expect(a2chief[0]).toMatch(/Camera mat ket noi/);
    expect(a2chief[1]).toMatch(/Da khac phuc su co/);
    // b1's chief wants e-mail only: no SMS, no Zalo to them.
    expect(smsTo('0912000002')).toHaveLength(0);
    expect(zaloTo('84912000002')).toHaveLength(0);
    expect(mailTo('chief-b@example.vn').length).toBeGreaterThan(0);
    const zalo = gw.of('/zalo/message/template');
    expect(new Set(zalo.map((r) => r.json.tracking_id)).size).toBe(zalo.length);
  });

  it('20 cameras of one commune down together make one grouped alert', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i <= 20; i++) await check(`g${i}`, T0 + round * MINUTE + i * 1000, 'unreachable');
      await tick();
    }
    await tick(T0 + 5 * MINUTE);
    expect(zaloTo('84912000007')).toHaveLength(1);
    expect(smsTo(CHIEF_G)).toHaveLength(1);
    expect(mailTo('chief-g@example.vn')).toHaveLength(1);
    expect(mailTo('chief-g@example.vn')[0]!.subject).toMatch(/^\[camwatch\] \d+ camera xã Phước An mất kết nối — nghi mất điện\/mạng$/);
    expect(gw.of('/webhook')).toHaveLength(1);
    expect(smsTo(CONTRACTOR_PHONE)).toHaveLength(0);
    const incidents = await listIncidents(db, { open: true });
    expect(incidents.filter((i) => i.scope === 'camera')).toHaveLength(20);
    // All recover: one recovery notice.
    for (let round = 3; round < 5; round++) for (let i = 1; i <= 20; i++) await check(`g${i}`, T0 + round * MINUTE + i * 1000);
    await tick(T0 + 6 * MINUTE);
    expect(mailTo('chief-g@example.vn').map((m) => m.subject)).toHaveLength(2);
    expect(zaloTo('84912000007').map((r) => r.json.template_id)).toEqual(['1001', '1002']);
  });

  it('e-mail carries the evidence snapshot; Telegram sends it with sendPhoto', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camwatch-evidence-'));
    const jpeg = path.join(dir, 'frame.jpg');
    writeFileSync(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]));
    const { check, tick } = await setupAlerts(fleetYaml(gw, smtp.port));
    const blurred = { ok: false, kinds: ['blurred'], detail: 'Ảnh mờ' };
    for (let i = 0; i <= 4; i++) await check('a2', T0 + i * 5 * MINUTE, undefined, blurred, jpeg);
    await tick();
    const mail = mailTo('chief-a@example.vn')[0]!;
    expect(mail.subject).toBe('[camwatch] Hình ảnh camera bị mờ');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.content.equals(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]))).toBe(true);
    expect(gw.of('/telegram').map((r) => r.path)).toEqual(['/telegram/bot42:abc/sendPhoto']);
    expect(gw.of('/telegram')[0]!.headers['content-type']).toMatch(/multipart\/form-data/);
  });

  it('webhook bodies are HMAC-SHA256 signed over timestamp.body', async () => {
    const { check, tick } = await setupAlerts(fleetYaml(gw, smtp.port));
    await check('a3', T0, 'auth_failed');
    await tick();
    const hook = gw.of('/webhook')[0]!;
    const expected = 'sha256=' + createHmac('sha256', 'hook').update(`${hook.headers['x-camwatch-timestamp']}.${hook.body}`).digest('hex');
    expect(hook.headers['x-camwatch-signature']).toBe(expected);
    expect(hook.json).toMatchObject({ kind: 'opened', id: hook.headers['x-camwatch-delivery'] });
    // auth_failed is not a contractor's job; the school (owner) is told.
    expect(hook.json.recipients.map((r: { reason: string }) => r.reason).sort()).toEqual(['chief', 'owner']);
    expect(smsTo('0905000003')).toHaveLength(1);
    expect(smsTo(CONTRACTOR_PHONE)).toHaveLength(0);
  });

  it('Zalo token refresh stores the new (rotated) refresh token', async () => {
    gw.accessToken = 'stale';
    gw.refreshToken = 'R0';
    const { check, tick, db, clock } = await setupAlerts(fleetYaml(gw, smtp.port));
    await check('a3', T0, 'auth_failed');
    await tick();
    expect(gw.refreshes).toEqual(['R0']);
    const rotated = await kvGet(db, 'zalo.refresh_token');
    expect(rotated).toBe(gw.refreshToken);
    expect(rotated).not.toBe('R0');
    expect(zaloTo('84912000001')).toHaveLength(1);
    // The access token expires; the next refresh must use the rotated token, and store the next one.
    clock.now += 2 * 3600_000;
    await check('b2', clock.now, 'auth_failed');
    await check('a2', clock.now, 'auth_failed'); // chief A, Zalo
    await tick();
    expect(gw.refreshes).toEqual(['R0', rotated]);
    expect(await kvGet(db, 'zalo.refresh_token')).toBe(gw.refreshToken);
    // a2 opened with the new token (a3's reminder too: it is still unacknowledged).
    expect(zaloTo('84912000001').filter((r) => r.json.template_id === '1001')).toHaveLength(2);
  });

  it('reminders until acknowledged, escalation to the unit above and the People\u2019s Committee; ack stops reminders', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port));
    for (let i = 0; i < 3; i++) await check('a2', T0 + i * MINUTE, 'unreachable');
    await tick();
    const incident = (await listIncidents(db, { open: true }))[0]!;
    await tick(T0 + 35 * MINUTE); // one reminder (30 min)
    expect(mailTo('chief-a@example.vn').map((m) => m.subject)).toEqual(['[camwatch] Camera mất kết nối', '[camwatch] Nhắc lại: Camera mất kết nối (chưa tiếp nhận)']);
    await tick(T0 + 62 * MINUTE); // escalation after 60 min, reminder round 2
    const escalated = smtp.mails.filter((m) => m.subject?.includes('Chuyển cấp trên')).flatMap((m) => (Array.isArray(m.to) ? m.to : [m.to]).map((a) => a?.text));
    expect(escalated.sort()).toEqual(['"UBND xã Tuy Phước" <ubnd-a@example.vn>', '"Phòng PV06" <pv06@example.vn>'].sort());
    expect((await runAckCommand(db, String(incident.id), 'Nguyễn Văn A', 'vi', T0 + 63 * MINUTE)).lines[0]).toContain(`Đã tiếp nhận sự cố #${incident.id} (camera mất kết nối) — Nguyễn Văn A.`);
    const before = mailTo('chief-a@example.vn').length;
    await tick(T0 + 200 * MINUTE);
    expect(mailTo('chief-a@example.vn')).toHaveLength(before);
    expect(await listIncidents(db, { open: true })).toHaveLength(1); // still tracked
    expect((await runAckCommand(db, 'x', 'A')).exitCode).toBe(2);
    expect((await runResolveCommand(db, incident.id, 'Nguyễn Văn A', 'en')).lines[0]).toBe(`Incident #${incident.id} (camera offline) resolved by Nguyễn Văn A.`);
  });

  it('an incident closed by hand is announced as closed, with who closed it, to everyone who was told of it', async () => {
    const { check, tick, db, alerts } = await setupAlerts(fleetYaml(gw, smtp.port));
    for (let i = 0; i < 3; i++) await check('a2', T0 + i * MINUTE, 'unreachable');
    await tick();
    const incident = (await listIncidents(db, { open: true }))[0]!;
    await runResolveCommand(db, incident.id, 'Nguyễn Văn A', 'vi', T0 + 40 * MINUTE, (event) => alerts.onHealthEvent(event));
    await tick(T0 + 41 * MINUTE);
    const mails = mailTo('chief-a@example.vn');
    expect(mails.map((m) => m.subject)).toEqual(['[camwatch] Camera mất kết nối', '[camwatch] Đã đóng sự cố: Camera mất kết nối']);
    expect(mails[1]!.text).toContain('Sự cố được Nguyễn Văn A đóng thủ công lúc');
    expect(mails[1]!.text).not.toContain('Hoạt động lại');
    expect(mailTo('repair@abc.vn').map((m) => m.subject)).toContain('[camwatch] Đã đóng sự cố: Camera mất kết nối');
  });

  it('dead-letters after max_attempts when a gateway keeps refusing', async () => {
    const { check, tick, db } = await setupAlerts(fleetYaml(gw, smtp.port, '  max_attempts: 3\n  retry_first_s: 10\n'));
    gw.down.add('webhook');
    await check('a3', T0, 'auth_failed');
    for (let m = 0; m < 30; m++) await tick(T0 + m * MINUTE);
    const dead = await deadLetters(db);
    expect(dead.map((a) => a.channel)).toEqual(['webhook']);
    expect(dead[0]!.attempts).toBe(3);
  });

  it('sends a daily digest per chief at the configured hour, once', async () => {
    const { check, tick } = await setupAlerts(fleetYaml(gw, smtp.port, '  digest_hour: 7\n  digest_channels: [email]\n'), T0 - 180 * MINUTE);
    for (let i = 0; i < 3; i++) await check('g1', T0 - 120 * MINUTE + i * MINUTE, 'unreachable');
    await tick(T0 - 60 * MINUTE); // 06:00 local: no digest yet
    expect(smtp.mails.filter((m) => m.subject?.includes('Tổng hợp'))).toHaveLength(0);
    await tick(T0 + MINUTE); // 07:01 local
    await tick(T0 + 2 * MINUTE);
    const digests = smtp.mails.filter((m) => m.subject?.includes('Tổng hợp'));
    expect(digests.map((m) => (Array.isArray(m.to) ? '' : m.to?.value[0]?.address)).sort()).toEqual(['admin@example.vn', 'chief-a@example.vn', 'chief-b@example.vn', 'chief-g@example.vn']);
    const g = digests.find((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === 'chief-g@example.vn')!;
    expect(g.subject).toBe('[camwatch] Tổng hợp ngày 05/01/2026 — xã Phước An, tỉnh Gia Lai');
    expect(g.text).toContain('Sự cố đang mở: 1');
  });
});
