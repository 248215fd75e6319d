/**
 * "Báo cáo bảo trì định kỳ": per contractor, its schedule, the visits made in the period and the
 * cameras due or overdue when the report is made (a degrading picture counting as due early), in
 * every export format.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { buildReport, calendarMonth, documentOptions, exportReport, type Report } from '../../src/reports/index.js';
import { reportKindList } from '../../src/reports/kinds.js';
import { insertVisit } from '../../src/store/maintenance-visits.js';
import { DAY0, HOUR, NOW, TZ } from '../server/fixture.js';
import { makeMaintenanceFixture, type MaintenanceFixture } from '../server/maintenance-fixture.js';
import { unzip } from './unzip.js';

let fx: MaintenanceFixture;
const DAY = 24 * HOUR;
const january = calendarMonth('2026-01', TZ);

const visit = async (cameraId: string, visitedAt: number, tasks: string[]) =>
  await insertVisit(fx.db, { cameraId, contractorId: 'ct', visitedAt, tasks, technician: 'Trần Văn Bình', note: '', incidentId: null, user: { id: null, name: 'contractor-1' } }, visitedAt);

beforeAll(async () => {
  fx = await makeMaintenanceFixture();
  await visit('a1', DAY0 - 40 * DAY, ['clean', 'inspect']); // December: outside the period
  await visit('a1', DAY0 + HOUR, ['clean', 'inspect']);
  await visit('a2', DAY0 + 2 * HOUR, ['clean', 'inspect']);
  await visit('a2', DAY0 + 3 * HOUR, ['inspect']);
  // a2's picture has been sliding since the visit: due early
  await fx.db.run(`INSERT INTO checks (camera_id, kind, started_at, duration_ms, status, image_ok, findings) VALUES ('a2', 'image', ?, 500, 'ok', 1, '["degrading"]')`, NOW - HOUR);
});

afterAll(async () => {
  await fx?.server.close();
});

describe('the maintenance report', () => {
  let report: Report;
  beforeAll(async () => {
    report = await buildReport(fx.db, { kind: 'maintenance', period: january, now: NOW });
  });

  it('is offered in the report menu in both languages', () => {
    expect(reportKindList().find((k) => k.kind === 'maintenance')?.label).toEqual({ vi: 'Bảo trì định kỳ', en: 'Routine maintenance' });
  });

  it('counts the visits of the period and the cameras due or overdue, per contractor with a schedule', () => {
    expect(report.title).toBe('Bảo trì định kỳ camera theo hợp đồng');
    expect(report.rows).toEqual([
      {
        contractor: 'Công ty Viễn thông Một', contract_ref: '', every_days: 90, scheduled_tasks: 'vệ sinh, kiểm tra', cameras: 3, visits: 3, cameras_visited: 2,
        overdue_cameras: 1, due_early: 1, overdue_list: 'Nhà ông Tư; Cầu thôn A1',
      },
    ]);
    expect(report.summary).toEqual(['Trong kỳ có 3 lượt bảo trì; 2 camera đến hạn hoặc quá hạn bảo trì tại thời điểm lập báo cáo.']);
    expect(report.totals).toMatchObject({ visits: 3, overdue_cameras: 1, due_early: 1 });
  });

  it('keeps to the filters and the user’s scope, and says so when no visit was made', async () => {
    const other = await buildReport(fx.db, { kind: 'maintenance', period: calendarMonth('2026-02', TZ), now: NOW, cameraIds: new Set(['a1', 'b1']), locale: 'en' });
    expect(other.rows).toEqual([expect.objectContaining({ cameras: 1, visits: 0, overdue_cameras: 0, due_early: 0, overdue_list: '' })]);
    expect(other.summary).toEqual(['No maintenance visit in the period; 0 cameras due or overdue as the report was made.']);
    expect((await buildReport(fx.db, { kind: 'maintenance', period: january, now: NOW, contractorId: 'ct2' })).rows).toEqual([]);
  });

  it('exports to CSV, Excel and Word', async () => {
    const doc = await documentOptions(fx.db, fx.config.raw);
    const csv = String((await exportReport(report, 'csv', doc)).body);
    expect(csv).toContain('Số lượt bảo trì trong kỳ');
    expect(csv).toContain('Nhà ông Tư; Cầu thôn A1');
    const xlsx = unzip((await exportReport(report, 'xlsx', doc)).body as Buffer);
    expect([...xlsx.values()].map((b) => b.toString('utf8')).join('')).toContain('Công ty Viễn thông Một');
    const docx = unzip((await exportReport(report, 'docx', doc)).body as Buffer);
    expect(docx.get('word/document.xml')?.toString('utf8')).toContain('Bảo trì định kỳ camera theo hợp đồng');
  });
});
