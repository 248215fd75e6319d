/**
 * `camwatch false-alarm <camera> <kind> --by NAME [--reason TEXT] [--clear]`, and the API route
 * behind the dashboard's button: an operator says the camera's current picture is normal for it.
 * The finding's value is measured again on the camera's latest frame, so the mark holds exactly
 * what the operator saw, and is written with the audit entry in one transaction.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config/load.js';
import type { Engine } from '../store/db.js';
import { writeAudit } from '../store/audit.js';
import { translator, type Catalogue, type Locale } from '../i18n/index.js';
import { ImageAssessor } from '../quality/assess.js';
import { TOLERABLE, clearFalseAlarms, isTolerable, markFalseAlarm, type FalseAlarmMark } from '../quality/false-alarms.js';
import { healthMessages } from './messages.js';

export const falseAlarmMessages = {
  vi: {
    badKind: 'Không đánh dấu được "{kind}". Các loại có thể đánh dấu là báo động nhầm: {kinds}.',
    noBy: 'Cần ghi tên người đánh dấu: --by "<họ tên>".',
    noFrame: 'Chưa có ảnh nào của camera {id}: chạy camwatch check {id} trước, rồi đánh dấu.',
    notShown: 'Ảnh mới nhất của camera {id} không có lỗi "{what}": không có gì để đánh dấu.',
    already: 'Lỗi "{what}" của camera {id} đã được đánh dấu là báo động nhầm trước đó, ở mức hiện tại.',
    marked: 'Đã ghi nhận báo động nhầm "{what}" cho camera {id} — {by}. Từ nay camwatch chỉ báo lỗi này khi ảnh xấu hơn mức hiện tại.',
    cleared: 'Đã bỏ {count} đánh dấu báo động nhầm "{what}" của camera {id} — {by}. camwatch dùng lại ngưỡng bình thường.',
    nothingToClear: 'Camera {id} không có đánh dấu báo động nhầm "{what}" nào đang áp dụng.',
  },
  en: {
    badKind: 'Cannot mark "{kind}". Findings that can be marked as false alarms: {kinds}.',
    noBy: 'Say who marks it: --by "<name>".',
    noFrame: 'There is no picture of camera {id} yet: run camwatch check {id} first, then mark it.',
    notShown: 'The latest picture of camera {id} does not show "{what}": there is nothing to mark.',
    already: 'The "{what}" finding of camera {id} was already marked as a false alarm at this level.',
    marked: 'False alarm "{what}" recorded for camera {id} by {by}. camwatch now reports it only when the picture gets worse than it is now.',
    cleared: 'Withdrew {count} false-alarm mark(s) "{what}" of camera {id} ({by}). camwatch uses the normal thresholds again.',
    nothingToClear: 'Camera {id} has no active false-alarm mark "{what}".',
  },
} satisfies Catalogue<Record<string, string>>;

export interface FalseAlarmRequest {
  cameraId: string;
  kind: string;
  by: string;
  reason?: string | undefined;
  clear?: boolean | undefined;
  /** who, for the audit log: a dashboard user, or the CLI */
  actor?: Parameters<typeof writeAudit>[1] | undefined;
  ip?: string | undefined;
}

/** exitCode as the CLI's: 2 a bad request, 1 a state that does not allow it (the API maps them to 400 and 409). */
export interface FalseAlarmResult {
  ok: boolean;
  exitCode: number;
  lines: string[];
  mark?: FalseAlarmMark;
}

export async function changeFalseAlarm(
  app: { db: Engine; config: Config; evidenceDir: string },
  request: FalseAlarmRequest,
  locale: Locale = 'vi',
  now = Date.now(),
): Promise<FalseAlarmResult> {
  const t = translator(falseAlarmMessages, locale);
  const name = translator(healthMessages, locale);
  const { cameraId, kind } = request;
  const fail = (exitCode: number, line: string) => ({ ok: false, exitCode, lines: [line] });
  const camera = app.config.raw.cameras.find((c) => c.id === cameraId);
  if (!camera) return fail(2, name('unknownCamera', { id: cameraId, ids: app.config.raw.cameras.map((c) => c.id).join(', ') }));
  if (!isTolerable(kind)) return fail(2, t('badKind', { kind, kinds: Object.keys(TOLERABLE).map((k) => `${k} (${name(`finding_${k}` as 'finding_blurred')})`).join(', ') }));
  const by = request.by.trim();
  if (!by) return fail(2, t('noBy'));
  const what = name(`finding_${kind}`);
  const actor = request.actor ?? { id: null, name: by, role: 'cli' as const };

  if (request.clear) {
    const count = await app.db.transaction(async () => {
      const n = await clearFalseAlarms(app.db, cameraId, kind, by, now);
      if (n > 0) await writeAudit(app.db, actor, { action: 'false_alarm_cleared', cameraId, detail: kind, ip: request.ip }, now);
      return n;
    });
    return count > 0 ? { ok: true, exitCode: 0, lines: [t('cleared', { count, what, id: cameraId, by })] } : fail(1, t('nothingToClear', { what, id: cameraId }));
  }

  const frame = await readFile(path.join(app.evidenceDir, cameraId, 'latest.jpg')).catch(() => undefined);
  if (!frame) return fail(1, t('noFrame', { id: cameraId }));
  const findings = await new ImageAssessor(app.db, app.config.raw.locale).judgeStill(camera, frame, now).catch(() => undefined);
  if (!findings) return fail(1, t('noFrame', { id: cameraId }));
  const finding = findings.find((f) => f.kind === kind && (f.state === 'fault' || f.state === 'tolerated'));
  if (finding?.state === 'tolerated') return { ok: true, exitCode: 0, lines: [t('already', { what, id: cameraId })] };
  if (!finding || finding.value === undefined) return fail(1, t('notShown', { what, id: cameraId }));
  const { value, crispness } = finding;
  const reason = request.reason?.trim() ?? '';
  const measured = crispness === undefined ? `${value}` : `${value} crispness ${crispness}`;
  const mark = await app.db.transaction(async () => {
    const made = await markFalseAlarm(app.db, { cameraId, kind, value, crispness, by, reason, at: now });
    await writeAudit(app.db, actor, { action: 'false_alarm', cameraId, detail: `${kind} ${measured}${reason ? `: ${reason}` : ''}`, ip: request.ip }, now);
    return made;
  });
  return { ok: true, exitCode: 0, lines: [t('marked', { what, id: cameraId, by })], mark };
}
