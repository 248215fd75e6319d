import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { previousPeriod } from '../../src/reports/period.js';
import { buildReport, calendarMonth, csvOptions, CSV_PRESETS, dateLine, documentOptions, officialPeriod, orientationFor, PLACEHOLDER, reportSettingsWarnings, resolvePeriod, toCsv, toHtml, toXlsx } from '../../src/reports/index.js';
import { reportConfig, reportStore, SIGNED_REPORT } from './fixture.js';
import { runReportCommand } from '../../src/app/report-command.js';
import { uptimeByCameraDay, uptimeByCameraFromDays, type UptimeDay } from '../../src/store/uptime.js';
import { runUserAdd, runUserList } from '../../src/app/user-command.js';
import { CAMERA_PASSWORDS, DAY0, NOW, seed, TZ, YAML } from '../server/fixture.js';

const config = parseConfig(YAML, 'test.yaml', CAMERA_PASSWORDS);
const { db } = await openStore(':memory:');
const jan = calendarMonth('2026-01', TZ);

beforeAll(async () => {
  await syncInventory(db, config, 0);
  await seed(db, mkdtempSync(path.join(tmpdir(), 'camwatch-reports-')));
});

describe('periods', () => {
  it('has calendar months and the official period from the 15th to the 14th', () => {
    expect(jan).toMatchObject({ fromDay: '2026-01-01', toDay: '2026-01-31' });
    expect(new Date(jan.from).toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(officialPeriod('2026-01', TZ)).toMatchObject({ fromDay: '2025-12-15', toDay: '2026-01-14', kind: 'official' });
    expect(officialPeriod('2026-03', TZ)).toMatchObject({ fromDay: '2026-02-15', toDay: '2026-03-14' });
    // 5 January belongs to the period ending 14 January; 20 January to the one ending 14 February
    expect(resolvePeriod({}, TZ, DAY0)).toMatchObject({ fromDay: '2025-12-15', toDay: '2026-01-14' });
    expect(resolvePeriod({}, TZ, DAY0 + 15 * 86_400_000)).toMatchObject({ fromDay: '2026-01-15', toDay: '2026-02-14' });
    expect(() => resolvePeriod({ month: '2026-1' }, TZ)).toThrow(/YYYY-MM/);
    expect(() => resolvePeriod({ from: '2026-02-01', to: '2026-01-01' }, TZ)).toThrow(/before/);
  });

  it('has official quarters, six months and years, all from a 15th to a 14th', async () => {
    expect(resolvePeriod({ quarter: '2026-Q1' }, TZ)).toMatchObject({ kind: 'quarter', fromDay: '2025-12-15', toDay: '2026-03-14' });
    expect(resolvePeriod({ quarter: '2026-Q3' }, TZ)).toMatchObject({ fromDay: '2026-06-15', toDay: '2026-09-14' });
    expect(resolvePeriod({ half: '2026-H1' }, TZ)).toMatchObject({ kind: 'half', fromDay: '2025-12-15', toDay: '2026-06-14' });
    expect(resolvePeriod({ half: '2026-H2' }, TZ)).toMatchObject({ fromDay: '2026-06-15', toDay: '2026-12-14' });
    expect(resolvePeriod({ year: '2026' }, TZ)).toMatchObject({ kind: 'year', fromDay: '2025-12-15', toDay: '2026-12-14' });
    expect(() => resolvePeriod({ quarter: '2026-Q5' }, TZ)).toThrow(/YYYY-Qn/);
    expect(() => resolvePeriod({ half: '2026-H3' }, TZ)).toThrow(/YYYY-H1/);
    expect(() => resolvePeriod({ year: '26' }, TZ)).toThrow(/YYYY/);
    expect(() => resolvePeriod({ year: '2026', month: '2026-01' }, TZ)).toThrow(/not several/);
    const label = async (input: Parameters<typeof resolvePeriod>[0]) => (await buildReport(db, { kind: 'coverage', period: resolvePeriod(input, TZ), now: NOW })).periodLabel;
    expect(await label({ quarter: '2026-Q1' })).toBe('Kỳ báo cáo quý 1/2026: từ ngày 15/12/2025 đến ngày 14/03/2026');
    expect(await label({ half: '2026-H2' })).toBe('Kỳ báo cáo 6 tháng cuối năm 2026: từ ngày 15/06/2026 đến ngày 14/12/2026');
    expect(await label({ year: '2026' })).toBe('Kỳ báo cáo năm 2026: từ ngày 15/12/2025 đến ngày 14/12/2026');
  });

  it('knows the period before each one', () => {
    const before = (input: Parameters<typeof resolvePeriod>[0]) => {
      const p = previousPeriod(resolvePeriod(input, TZ), TZ);
      return [p.kind, p.fromDay, p.toDay];
    };
    expect(before({ month: '2026-01' })).toEqual(['month', '2025-12-01', '2025-12-31']);
    expect(before({ period: '2026-01' })).toEqual(['official', '2025-11-15', '2025-12-14']);
    expect(before({ quarter: '2026-Q1' })).toEqual(['quarter', '2025-09-15', '2025-12-14']);
    expect(before({ quarter: '2026-Q2' })).toEqual(['quarter', '2025-12-15', '2026-03-14']);
    expect(before({ half: '2026-H1' })).toEqual(['half', '2025-06-15', '2025-12-14']);
    expect(before({ half: '2026-H2' })).toEqual(['half', '2025-12-15', '2026-06-14']);
    expect(before({ year: '2026' })).toEqual(['year', '2024-12-15', '2025-12-14']);
    expect(before({ from: '2026-01-03', to: '2026-01-04' })).toEqual(['range', '2026-01-01', '2026-01-02']);
  });

  it('writes the date line of Decree 30/2020', () => {
    expect(dateLine('Gia Lai', DAY0 + 9 * 3_600_000, TZ)).toBe('Gia Lai, ngày 05 tháng 01 năm 2026');
    expect(dateLine('Gia Lai', Date.parse('2026-03-15T03:00:00Z'), TZ)).toBe('Gia Lai, ngày 15 tháng 3 năm 2026');
    expect(dateLine('Gia Lai', Date.parse('2026-02-09T03:00:00Z'), TZ)).toBe('Gia Lai, ngày 09 tháng 02 năm 2026');
  });
});

describe('report contents', () => {
  it('gives uptime by unit, camera and contractor', async () => {
    const byUnit = await buildReport(db, { kind: 'uptime', period: jan, now: NOW });
    expect(byUnit.rows.map((r) => r.key).sort()).toEqual(['commune-a', 'commune-b']);
    const b = byUnit.rows.find((r) => r.key === 'commune-b');
    expect(b).toMatchObject({ name: 'xã B', cameras: 2 });
    expect(b?.availability).toBeCloseTo(72 / 96, 6);
    const byContractor = await buildReport(db, { kind: 'uptime', period: jan, groupBy: 'contractor', now: NOW });
    expect(byContractor.rows.map((r) => r.name).sort()).toEqual(['Công ty Hai', 'Công ty Viễn thông Một']);
    const households = await buildReport(db, { kind: 'uptime', period: jan, groupBy: 'camera', ownerType: 'household', now: NOW });
    expect(households.rows.map((r) => r.key)).toEqual(['h1']);
    expect(byUnit.notes[0]).toContain('tối đa 3 phút');
  });

  it('lists open incidents, unclear images, lighting black spots, SLA and coverage', async () => {
    const open = await buildReport(db, { kind: 'incidents', period: jan, now: NOW });
    expect(open.rows).toHaveLength(4);
    // The uptime rule is printed under the uptime report only.
    expect(open.notes).toEqual([]);
    expect(open.rows.map((r) => r.kind)).toContain('Hình ảnh: mờ');
    expect(open.rows.map((r) => r.kind)).toContain('Mất điện hoặc mạng (nhiều camera)');

    const images = await buildReport(db, { kind: 'images', period: jan, now: NOW });
    expect(images.rows.find((r) => r.camera_id === 'a1')).toMatchObject({ bad_checks: 2, findings: 'mờ', open_incident: 'Hình ảnh: mờ' });
    expect(images.rows.find((r) => r.camera_id === 'a2')).toMatchObject({ bad_checks: 4, findings: 'quá tối', open_incident: '' });

    const lighting = await buildReport(db, { kind: 'lighting', period: jan, now: NOW });
    // three dark checks over two nights (20:00 and 23:00 on the 3rd, 02:00 on the 4th are one night; 21:00 on the 4th another)
    expect(lighting.rows).toEqual([expect.objectContaining({ camera_id: 'a2', dark_checks: 4, dark_nights: 2, location: 'Cầu tràn' })]);

    const sla = await buildReport(db, { kind: 'sla', period: calendarMonth('2026-01', TZ), now: NOW });
    const ct2 = sla.rows.find((r) => r.key === 'ct2');
    // b2 repaired in 50 h against 24 h; b1 open 9 h of its 24, not acknowledged within 2 h: b1 has no outcome yet
    expect(ct2).toMatchObject({ incidents: 2, repair_late: 1, still_open: 1, open_overdue: 0, ack_late: 1, repair_on_time: 0 });
    const later = resolvePeriod({ from: '2026-01-03', to: '2026-01-05' }, TZ);
    // b1 alone, still open within its limit: not "100% on time", no figure at all
    expect((await buildReport(db, { kind: 'sla', period: later, now: NOW })).rows.find((r) => r.key === 'ct2')).toMatchObject({ incidents: 1, repair_late: 0, open_overdue: 0, ack_late: 1, repair_on_time: null });
    // 20 hours later b1 is 29 hours open against 24: overdue, and 0% on time
    expect((await buildReport(db, { kind: 'sla', period: later, now: NOW + 20 * 3_600_000 })).rows.find((r) => r.key === 'ct2')).toMatchObject({ open_overdue: 1, repair_on_time: 0 });
    expect(toHtml(await buildReport(db, { kind: 'sla', period: later, now: NOW }), await documentOptions(db, config.raw))).not.toContain('100,0%');

    const coverage = await buildReport(db, { kind: 'coverage', period: jan, now: NOW });
    const a = coverage.rows.find((r) => r.code === '21001');
    expect(a).toMatchObject({ cameras: 3, public_cameras: 2 });
    expect(a?.per_1000).toBeCloseTo(3 / 12, 6);
    expect(a?.per_km2).toBeCloseTo(3 / 40, 6);
    expect(coverage.rows.find((r) => r.code === '21003')).toMatchObject({ cameras: 0, per_1000: null });
  });
});

describe('exports', () => {
  const report = async () => await buildReport(db, { kind: 'uptime', period: officialPeriod('2026-01', TZ), groupBy: 'camera', now: NOW });

  it('writes CSV in UTF-8 with a BOM, ISO times and machine numbers', async () => {
    const csv = toCsv(await report());
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('Mã camera,Camera,Số camera,Tỷ lệ hoạt động (%),Tỷ lệ hoạt động kỳ trước (%),Tăng/giảm (điểm),Tỷ lệ ảnh đạt (%),Thời gian có số liệu (giờ),Thời gian không hoạt động (giờ),Thời gian bảo trì (giờ),Số lần kiểm tra,Số lần lỗi');
    expect(text).toContain('b1,UBND xã B,1,50,,,50,48,24,0,2880,1440');
    const incidents = toCsv(await buildReport(db, { kind: 'incidents', period: jan, now: NOW })).toString('utf8');
    expect(incidents).toContain('2026-01-05T02:00:00+07:00');
  });

  it('writes XLSX that a real reader reads back with Vietnamese headers and values', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(await report())) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Số liệu');
    expect(sheet).toBeDefined();
    const headers = (sheet!.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(['Mã camera', 'Camera', 'Số camera', 'Tỷ lệ hoạt động', 'Tỷ lệ hoạt động kỳ trước', 'Tăng/giảm (điểm)', 'Tỷ lệ ảnh đạt', 'Thời gian có số liệu (giờ)', 'Thời gian không hoạt động (giờ)', 'Thời gian bảo trì (giờ)', 'Số lần kiểm tra', 'Số lần lỗi']);
    const rows = sheet!.getRows(2, sheet!.rowCount - 1) ?? [];
    const b1 = rows.find((r) => r.getCell(1).value === 'b1');
    expect(b1?.getCell(2).value).toBe('UBND xã B');
    expect(b1?.getCell(4).value).toBeCloseTo(0.5, 6);
    expect(b1?.getCell(4).numFmt).toBe('0.0%');
    const info = book.getWorksheet('Thông tin');
    expect(String(info?.getCell(1, 1).value)).toBe('Tỷ lệ hoạt động theo từng camera');
    expect(String(info?.getCell(2, 1).value)).toBe('Kỳ báo cáo tháng 1/2026: từ ngày 15/12/2025 đến ngày 14/01/2026');

    const times = new ExcelJS.Workbook();
    await times.xlsx.load((await toXlsx(await buildReport(db, { kind: 'incidents', period: jan, now: NOW }))) as unknown as ArrayBuffer);
    const opened = times.worksheets[0]!.getRow(2).getCell(6).value as Date;
    // local wall time in the cell: 01:00 on 5 January in Vietnam
    expect(opened.toISOString()).toBe('2026-01-05T01:00:00.000Z');
  });

  it('prints an A4 official document with the motto, the date line, Vietnamese numbers and the uptime rule', async () => {
    const html = toHtml(await report(), await documentOptions(db, config.raw));
    expect(html).toContain('font-family: "Times New Roman"');
    expect(html).toContain('size: A4');
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toContain('CÔNG AN TỈNH GIA LAI');
    expect(html).toContain('Gia Lai, ngày 05 tháng 01 năm 2026');
    expect(html).toContain('<td class="num">2.880</td>');
    expect(html).toContain('<td class="num">50,0%</td>');
    expect(html).toContain('Trong kỳ, toàn tỉnh có 5 camera, tỷ lệ hoạt động 82,4%, kỳ trước chưa có số liệu để so sánh; tỷ lệ ảnh đạt 79,4%; 3 camera hư hỏng chưa khắc phục.');
    expect(html).toContain('Cách tính: thời gian hoạt động được tính theo thời gian');
    // the fixture names no signer, abbreviation or recipients: dotted lines to fill in, never a made-up body
    expect(html).toContain(`<div class="signer-name placeholder">${PLACEHOLDER}</div>`);
    expect(html).toContain('/BC-……');
    expect(html).not.toContain('BỘ PHẬN GIÁM SÁT CAMERA');
  });

  it('derives the place from the root unit when the config names none', async () => {
    expect((await documentOptions(db, {})).place).toBe('Gia Lai');
  });
});

/** A chart's points as each camera's days add up, the cameras `ids` only: [label, availability] of each day or month known. */
function chartOfDays(days: UptimeDay[], ids: readonly string[], monthly: boolean): [string, number][] {
  const sums = new Map<string, { known: number; up: number }>();
  for (const row of days.filter((day) => ids.includes(day.camera_id))) {
    const key = monthly ? row.day.slice(0, 7) : row.day;
    const sum = sums.get(key) ?? { known: 0, up: 0 };
    sum.known += row.known;
    sum.up += row.up;
    sums.set(key, sum);
  }
  const label = (key: string) => (monthly ? `${key.slice(5, 7)}/${key.slice(0, 4)}` : `${key.slice(8, 10)}/${key.slice(5, 7)}`);
  return [...sums.entries()].filter(([, sum]) => sum.known > 0).sort().map(([key, sum]) => [label(key), sum.up / sum.known]);
}

describe('what officials read', () => {
  it('prints names and official codes, never the config\'s keys', async () => {
    const html = async (groupBy: 'unit' | 'contractor' | 'owner_type') => toHtml(await buildReport(db, { kind: 'uptime', period: jan, groupBy, now: NOW }), await documentOptions(db, config.raw));
    const byUnit = await buildReport(db, { kind: 'uptime', period: jan, now: NOW });
    expect(byUnit.columns.map((c) => c.key).slice(0, 3)).toEqual(['rank', 'code', 'name']);
    expect(byUnit.rows.find((r) => r.key === 'commune-a')).toMatchObject({ code: '21001', name: 'xã A' });
    expect(await html('unit')).not.toMatch(/>commune-[ab]</);
    expect(await html('contractor')).toContain('>Công ty Hai<');
    expect(await html('contractor')).not.toMatch(/>ct2?</);
    expect(await html('owner_type')).toContain('>Trường học<');
    expect(await html('owner_type')).not.toMatch(/>(school|public|household)</);
    const sla = await buildReport(db, { kind: 'sla', period: jan, now: NOW });
    expect(sla.columns.map((c) => c.key)).not.toContain('key');
  });

  it('compares each line with the period before and writes the paragraph for the body of a báo cáo', async () => {
    const store = await reportStore(config);
    // 2 January: every camera up all day but b1, down all day
    const daily = 'INSERT INTO uptime_daily (camera_id, day, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures) VALUES (?, ?, ?, ?, ?, 0, 1440, 0)';
    for (const id of ['a1', 'a2', 'h1', 'b1', 'b2']) await store.run(daily, id, '2026-01-02', 86_400_000, id === 'b1' ? 0 : 86_400_000, id === 'b1' ? 0 : 86_400_000);
    const days = resolvePeriod({ from: '2026-01-03', to: '2026-01-04' }, TZ);
    const all = await buildReport(store, { kind: 'uptime', period: days, groupBy: 'camera', now: NOW });
    expect(all.summary[0]).toBe('Trong kỳ, toàn tỉnh có 5 camera, tỷ lệ hoạt động 82,4%, tăng 2,4 điểm so với kỳ trước; tỷ lệ ảnh đạt 79,4%; 3 camera hư hỏng chưa khắc phục.');
    expect(all.rows.find((r) => r.key === 'b1')).toMatchObject({ availability: 0.5, previous_availability: 0, availability_change: 50 });
    expect(all.rows.find((r) => r.key === 'b2')).toMatchObject({ availability: 1, previous_availability: 1, availability_change: 0 });
    const communeB = await buildReport(store, { kind: 'uptime', period: days, unitId: 'commune-b', now: NOW });
    expect(communeB.summary[0]).toBe('Trong kỳ, toàn xã có 2 camera, tỷ lệ hoạt động 75,0%, tăng 25,0 điểm so với kỳ trước; tỷ lệ ảnh đạt 75,0%; 1 camera hư hỏng chưa khắc phục.');
    const school = await buildReport(store, { kind: 'uptime', period: days, ownerType: 'school', now: NOW, locale: 'en' });
    expect(school.summary[0]).toBe('In the period, the whole province had 1 cameras, availability 100.0%, unchanged from the previous period; image OK 100.0%; no broken camera left unrepaired.');
    // with nothing known before: no figure to compare with, never a made-up change
    const first = resolvePeriod({ from: '2026-01-02', to: '2026-01-02' }, TZ);
    expect((await buildReport(store, { kind: 'uptime', period: first, groupBy: 'camera', now: NOW })).rows.find((r) => r.key === 'b1')).toMatchObject({ availability: 0, previous_availability: null, availability_change: null });
    expect((await buildReport(store, { kind: 'uptime', period: first, unitId: 'commune-b', now: NOW })).summary[0]).toContain('tỷ lệ hoạt động 50,0%, kỳ trước chưa có số liệu để so sánh;');
    // 1 January all up: the 2nd is a drop
    for (const id of ['b1', 'b2']) await store.run(daily, id, '2026-01-01', 86_400_000, 86_400_000, 86_400_000);
    expect((await buildReport(store, { kind: 'uptime', period: first, unitId: 'commune-b', now: NOW })).summary[0]).toContain('tỷ lệ hoạt động 50,0%, giảm 50,0 điểm so với kỳ trước;');
  });

  it('lists the incidents of the period, opened, resolved or open across it, with how long each lasted', async () => {
    const month = await buildReport(db, { kind: 'history', period: jan, now: NOW });
    expect(month.rows).toHaveLength(5);
    expect(month.summary[0]).toBe('Trong kỳ có 5 sự cố: 5 sự cố phát sinh trong kỳ, 1 sự cố đã khắc phục, 4 sự cố chưa khắc phục đến cuối kỳ.');
    // b2 went offline on 2 January and was repaired 50 hours later, on the 4th
    expect(month.rows.find((r) => r.camera_id === 'b2')).toMatchObject({ kind: 'Mất kết nối', duration_hours: 50, status: 'Đã khắc phục', contractor: 'Công ty Hai' });
    expect(month.rows.find((r) => r.camera_id === 'b1')).toMatchObject({ duration_hours: 9, status: 'Chưa khắc phục', resolved_at: null });
    // the 4th: only b2, open when the day began and repaired during it
    const fourth = await buildReport(db, { kind: 'history', period: resolvePeriod({ from: '2026-01-04', to: '2026-01-04' }, TZ), now: NOW });
    expect(fourth.rows.map((r) => r.camera_id)).toEqual(['b2']);
    expect(fourth.summary[0]).toBe('Trong kỳ có 1 sự cố: không có sự cố nào phát sinh trong kỳ, 1 sự cố đã khắc phục, không còn sự cố nào chưa khắc phục đến cuối kỳ.');
    // the 5th: b2 was closed before it began
    expect((await buildReport(db, { kind: 'history', period: resolvePeriod({ from: '2026-01-05', to: '2026-01-05' }, TZ), now: NOW })).rows.map((r) => r.camera_id)).not.toContain('b2');
    // a household-only report holds no unit-wide incident
    expect((await buildReport(db, { kind: 'history', period: jan, ownerType: 'household', now: NOW })).rows.map((r) => r.camera_id)).toEqual(['h1']);
  });

  it('says "Không có … nào" where there is nothing, never "0 camera …"', async () => {
    const school = { period: jan, ownerType: 'school', now: NOW } as const;
    expect((await buildReport(db, { kind: 'images', ...school })).summary[0]).toBe('Không có camera nào có hình ảnh không rõ trong kỳ.');
    expect((await buildReport(db, { kind: 'lighting', ...school })).summary[0]).toBe('Không có điểm đen nào cần bổ sung chiếu sáng.');
    expect((await buildReport(db, { kind: 'incidents', ...school })).summary[0]).toBe('Không có sự cố nào chưa khắc phục.');
    expect((await buildReport(db, { kind: 'uptime', ...school })).summary[0]).toContain('; không có camera nào hư hỏng chưa khắc phục.');
    expect((await buildReport(db, { kind: 'sla', period: resolvePeriod({ from: '2026-01-20', to: '2026-01-21' }, TZ), now: NOW })).summary[0]).toBe('Không có sự cố nào thuộc trách nhiệm nhà thầu trong kỳ.');
  });

  it('lists the repairs overdue now: contractor, contract, deadline and hours past it, longest first', async () => {
    // at NOW every fault is within its contract's repair time
    const now = await buildReport(db, { kind: 'overdue', period: jan, now: NOW });
    expect(now.rows).toEqual([]);
    expect(now.summary[0]).toBe('Không có camera nào hư hỏng quá thời hạn sửa chữa theo hợp đồng.');
    // 20 hours later b1 (Công ty Hai, 24 h) is 29 hours broken: 5 past its deadline, 1:00 on 6 January
    const later = await buildReport(db, { kind: 'overdue', period: jan, now: NOW + 20 * 3_600_000 });
    expect(later.rows).toEqual([expect.objectContaining({ camera_id: 'b1', camera: 'UBND xã B', unit: 'xã B', kind: 'Mất kết nối', contractor: 'Công ty Hai', contract_ref: 'HĐ số 12/2025/HĐ-UBND', deadline: DAY0 + 25 * 3_600_000, hours_overdue: 5 })]);
    expect(later.summary[0]).toBe('1 camera hư hỏng quá thời hạn sửa chữa theo hợp đồng, chưa được khắc phục.');
    const html = toHtml(later, await documentOptions(db, config.raw));
    expect(html).toContain('<td class="time">06/01/2026 01:00</td><td class="num">5,0</td>');
    // two days on, a1 and h1 (48 h) are late too; the longest overdue first; a commune chief sees only his own
    const days = await buildReport(db, { kind: 'overdue', period: jan, now: NOW + 50 * 3_600_000 });
    expect(days.rows.map((r) => [r.camera_id, r.hours_overdue])).toEqual([['b1', 35], ['a1', 10], ['h1', 8]]);
    expect((await buildReport(db, { kind: 'overdue', period: jan, unitId: 'commune-a', now: NOW + 50 * 3_600_000 })).rows.map((r) => r.camera_id)).toEqual(['a1', 'h1']);
  });

  it('ranks the communes, best first, and closes the table with a total row', async () => {
    const store = await reportStore(config);
    const report = await buildReport(store, { kind: 'uptime', period: jan, now: NOW });
    expect(report.columns.map((c) => c.key).slice(0, 3)).toEqual(['rank', 'code', 'name']);
    // xã A: (19+24+5)·2 h up of (20+24+10)·2 h known = 88,9%; xã B: 75,0%
    expect(report.rows.map((r) => [r.rank, r.name])).toEqual([[1, 'xã A'], [2, 'xã B']]);
    expect(report.totals).toMatchObject({ name: 'Tổng cộng', cameras: 5, checks: 12_240 });
    expect(report.totals?.availability).toBeCloseTo(168 / 204, 6);
    const html = toHtml(report, await documentOptions(store, config.raw));
    expect(html).toMatch(/<tr class="total"><td><\/td><td class="num"><\/td><td><\/td><td>Tổng cộng<\/td><td class="num">5<\/td><td class="num">82,4%<\/td>/);
    // the total row is printed with the last rows, in the block kept with the signature
    expect(html.indexOf('<tr class="total">')).toBeGreaterThan(html.indexOf('<div class="closing">'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(report)) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    // rows 2–3 the communes, row 4 blank (outside the filter), row 5 the total, in bold
    expect(sheet.getRow(4).getCell(3).value).toBeNull();
    expect(sheet.getRow(5).getCell(3).value).toBe('Tổng cộng');
    expect(sheet.getRow(5).getCell(5).value).toBeCloseTo(168 / 204, 6);
    expect(sheet.getRow(5).getCell(3).font?.bold).toBe(true);
    expect(sheet.getRow(5).getCell(5).numFmt).toBe('0.0%');
  });

  it('charts uptime by line and over the period, day by day or month by month for a long one', async () => {
    const report = await buildReport(db, { kind: 'uptime', period: jan, now: NOW });
    const [bars, days] = report.charts ?? [];
    expect(bars).toMatchObject({ kind: 'bars', title: 'Biểu đồ: Tỷ lệ hoạt động camera theo đơn vị', points: [{ label: 'xã A' }, { label: 'xã B', value: 0.75 }] });
    expect(days?.title).toBe('Biểu đồ: tỷ lệ hoạt động theo ngày');
    expect(days?.points).toHaveLength(31);
    // known only on the 3rd and 4th: the other days are no data, not 0%
    expect(days?.points.filter((p) => p.value !== null).map((p) => p.label)).toEqual(['03/01', '04/01']);
    expect(days?.points[2]?.value).toBeCloseTo(84 / 102, 6);
    const year = (await buildReport(db, { kind: 'uptime', period: resolvePeriod({ year: '2026' }, TZ), now: NOW })).charts?.[1];
    expect(year?.title).toBe('Biểu đồ: tỷ lệ hoạt động theo tháng');
    expect(year?.points.map((p) => p.label).slice(0, 2)).toEqual(['12/2025', '01/2026']);
    expect(year?.points).toHaveLength(13);
    const html = toHtml(report, await documentOptions(db, config.raw));
    expect(html).toContain('<figure class="chart"><figcaption>Biểu đồ: Tỷ lệ hoạt động camera theo đơn vị</figcaption><svg');
    expect(html).toContain('>88,9%</text>');
    // one camera's bars would say nothing the table does not
    expect((await buildReport(db, { kind: 'uptime', period: jan, ownerType: 'school', now: NOW })).charts?.map((c) => c.kind)).toEqual(['columns']);
  });

  it('gives a long period the same figures from the month rows as the daily rows add up to', async () => {
    const store = await reportStore(config);
    // Days in most months of 2026 and the last of 2025, every camera a different share up.
    const daily = 'INSERT INTO uptime_daily (camera_id, day, known_ms, up_ms, image_ok_ms, maintenance_ms, checks, failures) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING';
    const ids = ['a1', 'a2', 'h1', 'b1', 'b2'];
    for (let d = 0; d < 400; d += 3) {
      const day = new Date(Date.UTC(2025, 11, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (const [i, id] of ids.entries()) {
        const known = 3_600_000 * (1 + ((d + i) % 23));
        await store.run(daily, id, day, known, Math.floor(known * (((d * 7 + i * 13) % 100) / 100)), Math.floor(known / (2 + i)), (d % 5) * 60_000, 1 + (d % 60), d % 4);
      }
    }
    const HOUR = 3_600_000;
    for (const period of [resolvePeriod({ year: '2026' }, TZ), resolvePeriod({ from: '2025-12-20', to: '2026-11-10' }, TZ)]) {
      const report = await buildReport(store, { kind: 'uptime', period, groupBy: 'camera', now: NOW });
      const days = await uptimeByCameraDay(store, period.fromDay, period.toDay);
      const sums = await uptimeByCameraFromDays(store, period.fromDay, period.toDay);
      for (const id of ids) {
        const sum = sums.find((row) => row.camera_id === id);
        expect(report.rows.find((row) => row.key === id), `${id} ${period.fromDay}`).toMatchObject({
          availability: sum!.up / sum!.known, image_ok: sum!.image_ok / sum!.known, known_hours: sum!.known / HOUR, down_hours: (sum!.known - sum!.up) / HOUR,
          maintenance_hours: sum!.maintenance / HOUR, checks: sum!.checks, failures: sum!.failures,
        });
      }
      // the chart, month by month: all the cameras' days of each month
      const chart = report.charts?.find((c) => c.title === 'Biểu đồ: tỷ lệ hoạt động theo tháng');
      expect(chart?.points.map((p) => [p.label, p.value])).toEqual(chartOfDays(days, ids, true));
    }
    // A scope's chart (a commune's subtree, a user's cameras) counts its cameras' days only, by month or by day.
    for (const period of [resolvePeriod({ year: '2026' }, TZ), resolvePeriod({ from: '2026-03-05', to: '2026-04-20' }, TZ)]) {
      const days = await uptimeByCameraDay(store, period.fromDay, period.toDay);
      for (const { scope, ...filter } of [{ unitId: 'commune-a', scope: ['a1', 'a2', 'h1'] }, { cameraIds: new Set(['h1', 'b2']), scope: ['h1', 'b2'] }]) {
        const chart = (await buildReport(store, { kind: 'uptime', period, ...filter, now: NOW })).charts?.find((c) => c.kind === 'columns');
        const monthly = period.kind === 'year';
        expect(chart?.points.filter((p) => p.value !== null).map((p) => [p.label, p.value]), `${scope.join(',')} ${period.fromDay}`).toEqual(chartOfDays(days, scope, monthly));
        expect(chart?.points).toHaveLength(monthly ? 13 : 47);
      }
    }
  });

  it('gives coordinates to 5 decimals (2 decimals are about 1 km off)', async () => {
    const lighting = await buildReport(db, { kind: 'lighting', period: jan, now: NOW });
    const html = toHtml(lighting, await documentOptions(db, config.raw));
    expect(html).toContain('<td class="num">13,90000</td>');
    expect(html).toContain('<td class="num">109,10000</td>');
    expect(toCsv(lighting, csvOptions({ preset: 'vi' })).toString('utf8')).toContain(';Cầu tràn;13,9;109,1;');
  });

  it('prints the issuer, its abbreviation, the signer and the recipients from the config', async () => {
    const signed = reportConfig(SIGNED_REPORT);
    const html = toHtml(await buildReport(db, { kind: 'incidents', period: jan, now: NOW }), await documentOptions(db, signed.raw));
    expect(html).toContain('<div class="parent">CÔNG AN TỈNH GIA LAI</div><div class="issuer"><span class="rule">CÔNG AN XÃ TUY PHƯỚC ĐÔNG</span>');
    expect(html).toContain('Số: <span class="blank"></span>/BC-CAX');
    expect(html).toContain('<div class="signer"><div>KT. TRƯỞNG CÔNG AN XÃ</div><div>PHÓ TRƯỞNG CÔNG AN XÃ</div></div><div class="sign-space"></div><div class="signer-name">Trần Thị Bình</div>');
    expect(html).toContain('<div>- Công an tỉnh Gia Lai (để báo cáo);</div><div>- UBND xã Tuy Phước Đông;</div><div>- Lưu: VT.</div>');
    expect(html).not.toContain(PLACEHOLDER);
  });

  it('prints a dotted line where the config names no issuer, and doctor says what to add', async () => {
    const bare = reportConfig('');
    const html = toHtml(await buildReport(db, { kind: 'incidents', period: jan, now: NOW }), await documentOptions(db, bare.raw));
    expect(html).toContain(`<div class="issuer placeholder"><span class="rule">${PLACEHOLDER}</span>`);
    expect(html).not.toContain('BỘ PHẬN GIÁM SÁT CAMERA');
    const warnings = reportSettingsWarnings(bare.raw.server?.report, 'vi');
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toContain('server.report.issuer');
    expect(warnings.join('\n')).toContain('issuer_abbreviation: CAX');
    expect(reportSettingsWarnings(reportConfig(SIGNED_REPORT).raw.server?.report, 'en')).toEqual([]);
  });

  it('prints portrait when the columns fit across the page, landscape when they do not', async () => {
    expect(orientationFor(await buildReport(db, { kind: 'sla', period: jan, now: NOW }))).toBe('landscape');
    expect(orientationFor(await buildReport(db, { kind: 'images', period: jan, now: NOW }))).toBe('portrait');
    // widths follow the data: a long camera name makes the same report too wide for portrait
    const narrow = await buildReport(db, { kind: 'images', period: jan, now: NOW });
    const wide = { ...narrow, rows: narrow.rows.map((row) => ({ ...row, findings: 'mờ, quá tối, cháy sáng, bị che khuất, nhiễu, ám màu, lệch hướng', open_incident: 'Hình ảnh: bị che khuất một phần' })) };
    expect(orientationFor(wide)).toBe('landscape');
  });
});

describe('CSV for a Vietnamese Excel', () => {
  const uptime = async () => await buildReport(db, { kind: 'uptime', period: officialPeriod('2026-01', TZ), groupBy: 'camera', now: NOW });

  it('writes ";", decimal commas and dd/mm/yyyy with the "vi" preset', async () => {
    const text = toCsv(await uptime(), csvOptions({ preset: 'vi' })).toString('utf8').slice(1);
    expect(text.split('\r\n')[0]).toBe('Mã camera;Camera;Số camera;Tỷ lệ hoạt động (%);Tỷ lệ hoạt động kỳ trước (%);Tăng/giảm (điểm);Tỷ lệ ảnh đạt (%);Thời gian có số liệu (giờ);Thời gian không hoạt động (giờ);Thời gian bảo trì (giờ);Số lần kiểm tra;Số lần lỗi');
    expect(text).toContain('a1;Ngã ba chợ A;1;95;;;90;40;2;0;2400;4');
    expect(text).toContain('a2;Cầu thôn A1;1;100;;;91,7;');
    const incidents = toCsv(await buildReport(db, { kind: 'incidents', period: jan, now: NOW }), CSV_PRESETS.vi).toString('utf8');
    expect(incidents).toContain(';05/01/2026 02:00;');
    expect(incidents).not.toContain('2026-01-05T');
  });

  it('takes a separator and a decimal mark over the preset, but never the same character for both', async () => {
    const tab = toCsv(await uptime(), csvOptions({ preset: 'vi', separator: 'tab' })).toString('utf8');
    expect(tab).toContain('a2\tCầu thôn A1\t1\t100\t\t\t91,7\t');
    expect(toCsv(await uptime(), csvOptions({ decimal: 'comma', separator: 'semicolon' })).toString('utf8')).toContain(';91,7;');
    expect(() => csvOptions({ preset: 'vi', separator: 'comma' })).toThrow(/must differ/);
    expect(() => csvOptions({ preset: 'excel' })).toThrow(/iso, vi/);
    expect(() => csvOptions({ decimal: 'dot' })).toThrow(/point, comma/);
  });
});

describe('XLSX ready to print', () => {
  it('sets up A4, one page wide, the header row on every page, widths from the data and one font', async () => {
    const report = await buildReport(db, { kind: 'incidents', period: jan, now: NOW });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await toXlsx(report)) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Số liệu')!;
    expect(sheet.pageSetup).toMatchObject({ paperSize: 9, orientation: orientationFor(report), fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    expect(sheet.pageSetup.printTitlesRow).toBe('1:1');
    expect(sheet.headerFooter.oddFooter).toBe('&C&P / &N');
    // the kind column holds "Mất điện hoặc mạng (nhiều camera)": wider than its header "Loại sự cố"
    const kind = report.columns.findIndex((c) => c.key === 'kind') + 1;
    expect(sheet.getColumn(kind).width).toBeGreaterThanOrEqual('Mất điện hoặc mạng (nhiều camera)'.length);
    const fonts = [sheet.getRow(1).getCell(kind).font, sheet.getRow(2).getCell(kind).font, sheet.getRow(2).getCell(1).font];
    expect(fonts.map((f) => [f?.name, f?.size])).toEqual([['Times New Roman', 12], ['Times New Roman', 12], ['Times New Roman', 12]]);
    expect(fonts[0]?.bold).toBe(true);
  });
});

describe('commands', () => {
  it('`camwatch report` writes the chosen format to a file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'camwatch-report-cmd-'));
    const out = path.join(dir, 'uptime.xlsx');
    const result = await runReportCommand({ db, config }, { kind: 'uptime', period: '2026-01', unit: 'commune-a', groupBy: 'camera', format: 'xlsx', out, now: NOW });
    expect(result).toMatchObject({ ok: true, exitCode: 0, file: out });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    // the header, commune A's three cameras, a blank row and the total
    expect(book.worksheets[0]!.rowCount).toBe(6);
    const html = await runReportCommand({ db, config }, { kind: 'coverage', format: 'html', now: NOW });
    expect(html.stdout).toContain('Mật độ camera theo đơn vị hành chính');
    expect((await runReportCommand({ db, config }, { kind: 'nope' })).exitCode).toBe(2);
    expect((await runReportCommand({ db, config }, { kind: 'uptime', unit: 'nowhere' })).lines[0]).toContain('nowhere');
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('`camwatch report --format pdf` says which Chromium to install when it finds none', async () => {
    const before = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const result = await runReportCommand({ db, config }, { kind: 'incidents', format: 'pdf', out: path.join(tmpdir(), 'never.pdf'), now: NOW });
      expect(result).toMatchObject({ ok: false, exitCode: 1 });
      expect(result.lines[0]).toContain('CHROMIUM_PATH=/nonexistent/chromium is not an executable file');
      expect(result.lines[0]).toContain('apt install chromium');
    } finally {
      if (before === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = before;
    }
  });

  it('`camwatch user add` checks role, scope and password strength, and never lists hashes', async () => {
    expect((await runUserAdd(db, { name: 'c', role: 'commune_chief' }, 'Long-enough-pass-1')).exitCode).toBe(2);
    expect((await runUserAdd(db, { name: 'chief-x', role: 'commune_chief', unit: 'nowhere' }, 'Long-enough-pass-1')).lines[0]).toContain('nowhere');
    expect((await runUserAdd(db, { name: 'chief-x', role: 'commune_chief', unit: 'commune-a' }, 'short')).lines[0]).toContain('10');
    expect((await runUserAdd(db, { name: 'chief-x', role: 'commune_chief', unit: 'commune-a' }, 'Long-enough-pass-1')).ok).toBe(true);
    expect((await runUserAdd(db, { name: 'chief-x', role: 'admin' }, 'Long-enough-pass-1')).lines[0]).toContain('đã có');
    const listing = (await runUserList(db)).lines.join('\n');
    expect(listing).toContain('chief-x\tTrưởng Công an xã (commune_chief)\tcommune-a');
    expect(listing).not.toContain('scrypt');
  });
});
