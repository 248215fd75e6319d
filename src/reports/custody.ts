/**
 * The chain-of-custody sheet of an evidence clip ("Biên bản trích xuất dữ liệu hình ảnh"): which
 * camera, where, which time range, the file's SHA-256, who asked and why, and every step of the
 * clip's life from the audit log, each with its time and user. Printable A4 HTML; PDF through the
 * same Chromium printer as the reports.
 */
import { formatDate, translator, type Catalogue, type Locale } from '../i18n/index.js';
import type { AuditEntry } from '../store/audit.js';
import type { ClipRow } from '../store/clips.js';
import { escapeMarkup } from './document.js';

const vi = {
  title: 'BIÊN BẢN TRÍCH XUẤT DỮ LIỆU HÌNH ẢNH',
  intro: 'Dữ liệu hình ảnh được hệ thống camwatch ghi trực tiếp từ camera theo yêu cầu dưới đây. Mã SHA-256 dùng để xác minh tệp không bị thay đổi.',
  number: 'Số: {id}/TTDL',
  camera: 'Camera',
  place: 'Địa điểm',
  range: 'Thời gian ghi hình',
  range_value: 'từ {from} đến {to}',
  duration: 'Thời lượng yêu cầu',
  asked_range: 'Khoảng thời gian yêu cầu',
  method: 'Cách lấy dữ liệu',
  method_replay: 'Trích từ bản ghi của camera hoặc đầu ghi (ONVIF Profile G)',
  method_live: 'Ghi trực tiếp từ camera lúc xử lý yêu cầu',
  why_no_replay_service: 'camera không có chức năng lưu và phát lại bản ghi (ONVIF Profile G)',
  why_not_covered: 'bản ghi của camera không có khoảng thời gian yêu cầu',
  why_onvif_error: 'không lấy được bản ghi từ camera',
  seconds: '{seconds} giây',
  file: 'Tệp dữ liệu',
  sha256: 'Mã SHA-256',
  requester: 'Người yêu cầu',
  reason: 'Lý do trích xuất',
  status: 'Tình trạng',
  status_recording: 'Đang ghi hình',
  status_ready: 'Đã ghi xong',
  status_failed: 'Ghi hình không thành công',
  steps: 'Các bước xử lý',
  col_time: 'Thời điểm',
  col_step: 'Bước',
  col_user: 'Người thực hiện',
  col_detail: 'Ghi chú',
  step_requested: 'Yêu cầu trích xuất',
  step_started: 'Bắt đầu ghi hình',
  step_recorded: 'Ghi hình xong, tính mã SHA-256',
  step_failed: 'Ghi hình không thành công',
  step_downloaded: 'Tải tệp dữ liệu',
  step_exported: 'Lập biên bản',
  step_tampered: 'Tệp không khớp mã SHA-256, từ chối tải',
  printed: 'Biên bản lập lúc {time}.',
  sign_requester: 'NGƯỜI YÊU CẦU',
  sign_keeper: 'NGƯỜI QUẢN LÝ DỮ LIỆU',
  sign_hint: '(Ký, ghi rõ họ tên)',
  none: 'Không có',
  role_admin: 'Quản trị viên',
  role_commune_chief: 'Trưởng Công an xã',
};

const en: Catalogue<typeof vi>['en'] = {
  title: 'RECORD OF EXTRACTION OF IMAGE DATA',
  intro: 'The image data was recorded by camwatch directly from the camera on the request below. The SHA-256 checks that the file has not changed.',
  number: 'No. {id}',
  camera: 'Camera',
  place: 'Place',
  range: 'Recorded',
  range_value: 'from {from} to {to}',
  duration: 'Duration asked',
  asked_range: 'Time range asked',
  method: 'Obtained by',
  method_replay: 'Replay of the camera’s or recorder’s own recording (ONVIF Profile G)',
  method_live: 'Recording the camera live when the request was handled',
  why_no_replay_service: 'the camera has no recording and replay service (ONVIF Profile G)',
  why_not_covered: 'the camera’s recording does not hold the range asked',
  why_onvif_error: 'the recording could not be had from the camera',
  seconds: '{seconds} seconds',
  file: 'File',
  sha256: 'SHA-256',
  requester: 'Requested by',
  reason: 'Reason',
  status: 'Status',
  status_recording: 'Recording',
  status_ready: 'Recorded',
  status_failed: 'Recording failed',
  steps: 'Steps',
  col_time: 'Time',
  col_step: 'Step',
  col_user: 'User',
  col_detail: 'Note',
  step_requested: 'Extraction requested',
  step_started: 'Recording started',
  step_recorded: 'Recording finished, SHA-256 computed',
  step_failed: 'Recording failed',
  step_downloaded: 'File downloaded',
  step_exported: 'Sheet issued',
  step_tampered: 'File does not match its SHA-256: download refused',
  printed: 'Issued at {time}.',
  sign_requester: 'REQUESTED BY',
  sign_keeper: 'DATA KEEPER',
  sign_hint: '(Signature and full name)',
  none: 'None',
  role_admin: 'Administrator',
  role_commune_chief: 'Commune police chief',
};

export const custodyMessages: Catalogue<typeof vi> = { vi, en };

/** The audit actions of a clip's steps, as the store writes them. */
export const CLIP_STEPS = ['requested', 'started', 'recorded', 'failed', 'downloaded', 'exported', 'tampered'] as const;
export type ClipStep = (typeof CLIP_STEPS)[number];
export const clipAction = (step: ClipStep) => `clip.${step}`;

export interface CustodySheet {
  clip: ClipRow;
  camera: { id: string; name: string; place: string };
  trail: readonly AuditEntry[];
  issuer: string | undefined;
  locale: Locale;
  timeZone: string;
  at: number;
}

/** "14:05:09 ngày 04/12/2026": a clip of seconds needs its seconds. */
function momentWithSeconds(at: number, locale: Locale, timeZone: string): string {
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(at));
  const date = formatDate(at, timeZone);
  return locale === 'vi' ? `${clock} ngày ${date}` : `${date} ${clock}`;
}

const FALLBACK_REASONS = ['no_replay_service', 'not_covered', 'onvif_error'] as const;

/** How the clip was obtained; a live recording in place of a replay says why, in the reader's words. */
function methodText(clip: ClipRow, t: ReturnType<typeof translator<typeof vi>>): string {
  if (clip.method === 'replay') return `${t('method_replay')}${clip.method_note ? ` (${clip.method_note})` : ''}`;
  const reason = FALLBACK_REASONS.find((code) => clip.method_note?.startsWith(`${code}:`));
  return reason ? `${t('method_live')} — ${t(`why_${reason}`)}` : t('method_live');
}

export function custodySheetHtml(sheet: CustodySheet): string {
  const { clip, camera, locale, timeZone } = sheet;
  const t = translator(custodyMessages, locale);
  const e = escapeMarkup;
  const when = (at: number) => momentWithSeconds(at, locale, timeZone);
  // A replay holds the range asked; a live recording, the time it was recorded.
  const [from, to] = clip.method === 'replay' ? [clip.range_from, clip.range_to] : [clip.started_at, clip.ended_at];
  const range = from !== null && to !== null ? t('range_value', { from: when(from), to: when(to) }) : t('none');
  const facts: [string, string][] = [
    [t('camera'), `${camera.name} (${camera.id})`],
    [t('place'), camera.place],
    [t('range'), range],
    ...(clip.range_from !== null && clip.range_to !== null ? [[t('asked_range'), t('range_value', { from: when(clip.range_from), to: when(clip.range_to) })] as [string, string]] : []),
    [t('duration'), t('seconds', { seconds: clip.duration_s })],
    ...(clip.method ? [[t('method'), methodText(clip, t)] as [string, string]] : []),
    [t('status'), t(`status_${clip.status}`)],
    [t('file'), clip.file ?? t('none')],
    [t('sha256'), clip.sha256 ?? t('none')],
    [t('requester'), clip.role === 'admin' || clip.role === 'commune_chief' ? `${clip.requested_by} (${t(`role_${clip.role}`)})` : clip.requested_by],
    [t('reason'), clip.reason],
  ];
  const stepName = (action: string) => {
    const step = CLIP_STEPS.find((s) => clipAction(s) === action);
    return step ? t(`step_${step}`) : action;
  };
  const steps = sheet.trail
    .map((entry) => `<tr><td>${e(when(entry.at))}</td><td>${e(stepName(entry.action))}</td><td>${e(entry.user_name)}</td><td>${e(entry.detail ?? '')}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">
<title>${e(t('title'))} — ${clip.id}</title>
<style>
@page { size: A4 portrait; margin: 20mm 15mm 20mm 30mm; }
body { font-family: 'Times New Roman', serif; font-size: 13pt; color: #000; }
h1 { text-align: center; font-size: 14pt; margin: 12pt 0 4pt; }
.number, .issuer { text-align: center; }
table { border-collapse: collapse; width: 100%; margin: 8pt 0; }
th, td { border: 1px solid #000; padding: 3pt 5pt; text-align: left; vertical-align: top; }
.facts th { width: 32%; font-weight: normal; }
.hash { font-family: monospace; word-break: break-all; }
.signatures { display: flex; justify-content: space-around; margin-top: 24pt; text-align: center; }
.signatures div { width: 45%; }
</style>
</head>
<body>
${sheet.issuer ? `<p class="issuer"><strong>${e(sheet.issuer)}</strong></p>` : ''}
<h1 data-testid="custody-title">${e(t('title'))}</h1>
<p class="number">${e(t('number', { id: clip.id }))}</p>
<p>${e(t('intro'))}</p>
<table class="facts">
${facts.map(([label, value]) => `<tr><th>${e(label)}</th><td${label === t('sha256') ? ' class="hash" data-testid="custody-sha256"' : ''}>${e(value)}</td></tr>`).join('\n')}
</table>
<h2>${e(t('steps'))}</h2>
<table class="steps" data-testid="custody-steps">
<tr><th>${e(t('col_time'))}</th><th>${e(t('col_step'))}</th><th>${e(t('col_user'))}</th><th>${e(t('col_detail'))}</th></tr>
${steps}
</table>
<p>${e(t('printed', { time: when(sheet.at) }))}</p>
<div class="signatures">
<div><strong>${e(t('sign_requester'))}</strong><br><em>${e(t('sign_hint'))}</em><br><br><br><br>${e(clip.requested_by)}</div>
<div><strong>${e(t('sign_keeper'))}</strong><br><em>${e(t('sign_hint'))}</em></div>
</div>
</body>
</html>
`;
}
