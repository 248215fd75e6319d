/**
 * What an alert says, in Vietnamese by default (English on request): what is wrong, where (unit,
 * location, a map link), since when (Asia/Ho_Chi_Minh), what to do and how to acknowledge.
 * Rendered once, when the alert row is written, so a retry sends exactly what was decided.
 */
import { clockParts, fill, formatTime, type Catalogue, type Locale } from '../i18n/index.js';
import type { Incident } from '../store/incidents.js';
import { findingName } from '../health/messages.js';
import { unitPath, type Directory } from './directory.js';
import type { AlertKind, EscalationReason, RecipientReason } from './router.js';
import { joinShortForm, type ShortForm } from './sms-encoding.js';

export const alertMessages = {
  vi: {
    problem_offline: 'Camera mất kết nối',
    problem_stream_down: 'Camera mất luồng video (ảnh chụp vẫn có)',
    problem_auth_failed: 'Camera từ chối mật khẩu của camwatch',
    problem_image: 'Hình ảnh camera có vấn đề ({finding})',
    problem_image_blurred: 'Hình ảnh camera bị mờ',
    problem_image_dark: 'Hình ảnh camera quá tối',
    problem_image_overexposed: 'Hình ảnh camera bị cháy sáng',
    problem_image_covered: 'Camera bị che khuất',
    problem_image_frozen: 'Hình ảnh camera bị đứng hình',
    problem_image_moved: 'Camera bị lệch góc quay',
    problem_image_noisy: 'Hình ảnh camera bị nhiễu',
    problem_image_colour_cast: 'Hình ảnh camera bị ám màu',
    problem_image_partially_covered: 'Camera bị che một phần',
    problem_image_snapshot_stale: 'Ảnh chụp của camera không khớp luồng video',
    problem_image_degrading: 'Hình ảnh camera đang xuống cấp',
    problem_group: '{failing} camera {unit} mất kết nối — nghi mất điện/mạng',
    problem_group_image: '{failing} camera {unit} cùng lúc có hình ảnh kém ({finding}) — nghi do thời tiết (mưa, sương mù) hoặc mất điện chiếu sáng, không phải phá hoại',
    problem_server: '{failing}/{total} camera mất kết nối cùng lúc — nghi đường truyền của máy chủ camwatch',
    advice_offline: 'Kiểm tra nguồn điện, dây mạng/bộ phát 4G của camera; nếu hỏng thiết bị, báo nhà thầu sửa chữa.',
    advice_auth_failed: 'Mật khẩu camera đã bị đổi hoặc cấu hình sai: kiểm tra ai đã đổi mật khẩu, cập nhật cấu hình camwatch.',
    advice_stream_down: 'Camera vẫn trả ảnh chụp nhưng không phát video (bộ mã hóa bị treo hoặc kênh đầu ghi hỏng): khởi động lại camera hoặc đầu ghi; nếu không được, báo nhà thầu.',
    advice_image: 'Kiểm tra tại chỗ: lau ống kính, gỡ vật che, chỉnh lại góc quay hoặc bổ sung chiếu sáng.',
    advice_group: 'Kiểm tra nguồn điện và đường truyền Internet của khu vực.',
    advice_group_image: 'Theo dõi thêm: nếu trời tạnh hoặc có điện chiếu sáng trở lại mà ảnh vẫn kém, kiểm tra từng camera.',
    advice_server: 'Kiểm tra đường truyền và máy chủ chạy camwatch trước; các xã chưa được báo.',
    title_opened: '[camwatch] {problem}',
    title_reminder: '[camwatch] Nhắc lại: {problem} (chưa tiếp nhận)',
    title_escalation_unacknowledged: '[camwatch] Chuyển cấp trên: {problem} chưa được tiếp nhận sau {minutes} phút',
    title_escalation_repair_breach: '[camwatch] Quá hạn sửa chữa theo hợp đồng: {problem}',
    title_recovery: '[camwatch] Đã khắc phục sự cố: {problem}',
    line_camera: 'Camera: {camera} ({camera_id})',
    line_where: 'Địa điểm: {where}',
    line_map: 'Bản đồ: {url}',
    line_since: 'Từ lúc: {since}',
    line_detail: 'Chi tiết: {detail}',
    line_technical: 'Chi tiết kỹ thuật: {detail}',
    line_advice: 'Việc cần làm: {advice}',
    line_work_order: 'Phiếu sửa chữa cho {contractor}: hạn khắc phục theo hợp đồng {hours} giờ, trước {deadline}.',
    line_owner: 'Camera này do quý vị đăng ký; Công an xã đã được thông báo.',
    line_ack_link: 'Tiếp nhận sự cố: {url}',
    line_ack_cli: 'Hoặc lệnh: camwatch ack {id} --by "<họ tên>"',
    line_recovered: 'Hoạt động lại lúc {at}, gián đoạn {duration}.',
    title_closed: '[camwatch] Đã đóng sự cố: {problem}',
    line_closed: 'Sự cố được {by} đóng thủ công lúc {at}, sau {duration}; camwatch vẫn tiếp tục kiểm tra camera.',
    line_incident: 'Sự cố #{id}',
    line_evidence: 'Ảnh chụp bằng chứng đính kèm.',
    duration_hm: '{h} giờ {m} phút',
    duration_m: '{m} phút',
    digest_title: '[camwatch] Tổng hợp ngày {date} — {unit}',
    digest_open: 'Sự cố đang mở: {count}',
    digest_resolved: 'Đã khắc phục trong 24 giờ qua: {count}',
    digest_image: 'Camera có vấn đề hình ảnh: {count}',
    digest_item: '- #{id} {problem} — {camera}, từ {since}{ack}',
    digest_acked: ' (đã tiếp nhận: {by})',
    digest_lighting: 'Khuyến nghị: camera quá tối về đêm cần bổ sung đèn chiếu sáng: {cameras}.',
    digest_none: 'Không có sự cố nào.',
    digest_fleet: 'toàn hệ thống',
    short_problem_group: '{failing} camera {unit} mất kết nối',
    short_problem_group_image: '{failing} camera {unit} hình ảnh kém: {finding}',
    short_problem_server: '{failing}/{total} camera mất kết nối cùng lúc',
    short_opened: '{problem}',
    short_reminder: 'Nhắc lại: {problem}',
    short_escalation_unacknowledged: 'Chưa tiếp nhận sau {minutes} phút: {problem}',
    short_escalation_repair_breach: 'Quá hạn sửa chữa: {problem}',
    short_recovery: 'Đã khắc phục sự cố: {problem}',
    short_closed: 'Đã đóng sự cố: {problem}',
  },
  en: {
    problem_offline: 'Camera offline',
    problem_stream_down: 'Camera video stream is down (snapshots still work)',
    problem_auth_failed: "Camera refuses camwatch's password",
    problem_image: 'Camera image problem ({finding})',
    problem_image_blurred: 'Camera image is blurred',
    problem_image_dark: 'Camera image is too dark',
    problem_image_overexposed: 'Camera image is overexposed',
    problem_image_covered: 'Camera is covered',
    problem_image_frozen: 'Camera image is frozen',
    problem_image_moved: 'Camera has been moved',
    problem_image_noisy: 'Camera image is noisy',
    problem_image_colour_cast: 'Camera image has a colour cast',
    problem_image_partially_covered: 'Camera is partly covered',
    problem_image_snapshot_stale: "Camera snapshot does not match its video stream",
    problem_image_degrading: 'Camera image is degrading',
    problem_group: '{failing} cameras of {unit} offline — suspected power/network outage',
    problem_group_image: '{failing} cameras of {unit} show poor images at once ({finding}) — likely weather (rain, fog) or a street-lighting outage, not tampering',
    problem_server: '{failing}/{total} cameras offline at once — suspect the camwatch server\'s own network',
    advice_offline: 'Check the camera\'s power and network/4G link; if the device is broken, the contractor repairs it.',
    advice_auth_failed: 'The camera password was changed or the config is wrong: find out who changed it and update camwatch\'s config.',
    advice_stream_down: 'The camera still gives snapshots but no video (a hung encoder or a dead recorder channel): restart the camera or recorder; if that fails, call the contractor.',
    advice_image: 'Check on site: clean the lens, remove what covers it, re-aim it or add lighting.',
    advice_group: 'Check the area\'s power supply and Internet link.',
    advice_group_image: 'Keep watching: if images stay poor after the rain stops or the lights are back, check each camera.',
    advice_server: 'Check the camwatch server and its uplink first; the communes were not alerted.',
    title_opened: '[camwatch] {problem}',
    title_reminder: '[camwatch] Reminder: {problem} (not acknowledged)',
    title_escalation_unacknowledged: '[camwatch] Escalated: {problem} unacknowledged after {minutes} minutes',
    title_escalation_repair_breach: '[camwatch] Contract repair time exceeded: {problem}',
    title_recovery: '[camwatch] Back online: {problem}',
    line_camera: 'Camera: {camera} ({camera_id})',
    line_where: 'Where: {where}',
    line_map: 'Map: {url}',
    line_since: 'Since: {since}',
    line_detail: 'Detail: {detail}',
    line_technical: 'Technical details: {detail}',
    line_advice: 'What to do: {advice}',
    line_work_order: 'Work order for {contractor}: contract repair time {hours} h, due by {deadline}.',
    line_owner: 'This camera is registered to you; the commune police have been told.',
    line_ack_link: 'Acknowledge: {url}',
    line_ack_cli: 'Or run: camwatch ack {id} --by "<your name>"',
    line_recovered: 'Back at {at}, after {duration}.',
    title_closed: '[camwatch] Incident closed: {problem}',
    line_closed: 'Closed by hand by {by} at {at}, after {duration}; camwatch keeps checking the camera.',
    line_incident: 'Incident #{id}',
    line_evidence: 'Evidence snapshot attached.',
    duration_hm: '{h} h {m} min',
    duration_m: '{m} min',
    digest_title: '[camwatch] Daily digest {date} — {unit}',
    digest_open: 'Open incidents: {count}',
    digest_resolved: 'Resolved in the last 24 hours: {count}',
    digest_image: 'Cameras with image problems: {count}',
    digest_item: '- #{id} {problem} — {camera}, since {since}{ack}',
    digest_acked: ' (acknowledged by {by})',
    digest_lighting: 'Recommendation: these cameras are too dark at night and need lighting: {cameras}.',
    digest_none: 'No incidents.',
    digest_fleet: 'all cameras',
    short_problem_group: '{failing} cameras of {unit} offline',
    short_problem_group_image: '{failing} cameras of {unit} with poor images: {finding}',
    short_problem_server: '{failing}/{total} cameras offline at once',
    short_opened: '{problem}',
    short_reminder: 'Reminder: {problem}',
    short_escalation_unacknowledged: 'Unacknowledged after {minutes} min: {problem}',
    short_escalation_repair_breach: 'Repair overdue: {problem}',
    short_recovery: 'Fixed: {problem}',
    short_closed: 'Closed: {problem}',
  },
} satisfies Catalogue<Record<string, string>>;

type Key = keyof (typeof alertMessages)['vi'];

export function t(locale: Locale, key: Key | string, params?: Record<string, string | number>): string {
  const messages = alertMessages[locale] as Record<string, string>;
  return fill(messages[key] ?? (alertMessages.vi as Record<string, string>)[key] ?? key, params);
}

/** YYYY-MM-DD and hour of `at` in the time zone. */
export function localDay(at: number, timeZone: string): { day: string; hour: number } {
  const { year, month, day, hour } = clockParts(at, timeZone);
  return { day: `${year}-${month}-${day}`, hour: Number(hour) };
}

export function formatDuration(ms: number, locale: Locale): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? t(locale, 'duration_hm', { h, m }) : t(locale, 'duration_m', { m });
}

export function mapLink(lat: number | undefined, lon: number | undefined): string | undefined {
  return lat === undefined || lon === undefined ? undefined : `https://www.google.com/maps?q=${lat},${lon}`;
}

export function ackLink(publicUrl: string | undefined, incidentId: number): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/incidents/${incidentId}/ack` : undefined;
}

function groupCounts(detail: string | null): { failing: string; total: string } {
  const [failing = '?', total = '?'] = (detail ?? '').split('/');
  return { failing, total };
}

/** What is wrong; `short` names a group incident without the reasoning (for SMS). */
export function problemText(incident: Incident, directory: Directory, locale: Locale, form: 'full' | 'short' = 'full'): string {
  const prefix = form === 'short' ? 'short_problem' : 'problem';
  const unit = incident.unit_id ? directory.units.get(incident.unit_id)?.name ?? incident.unit_id : '';
  if (incident.kind === 'power_or_network') return t(locale, `${prefix}_group`, { ...groupCounts(incident.detail), unit });
  if (incident.kind === 'server_network') return t(locale, `${prefix}_server`, groupCounts(incident.detail));
  if (incident.kind.startsWith('area_image_')) {
    const kind = incident.kind.slice('area_image_'.length);
    const finding = form === 'short' ? findingName(kind, locale) : key(locale, `problem_image_${kind}`) ?? kind;
    return t(locale, `${prefix}_group_image`, { ...groupCounts(incident.detail), unit, finding });
  }
  if (incident.kind.startsWith('image:')) {
    const finding = incident.kind.slice('image:'.length);
    const key = `problem_image_${finding}`;
    return key in alertMessages[locale] ? t(locale, key) : t(locale, 'problem_image', { finding: findingName(finding, locale) });
  }
  return key(locale, `problem_${incident.kind}`) ?? incident.kind;
}

function key(locale: Locale, name: string): string | undefined {
  return name in alertMessages[locale] ? t(locale, name) : undefined;
}

function adviceText(incident: Incident, locale: Locale): string {
  if (incident.kind === 'power_or_network') return t(locale, 'advice_group');
  if (incident.kind === 'server_network') return t(locale, 'advice_server');
  if (incident.kind.startsWith('area_image_')) return t(locale, 'advice_group_image');
  if (incident.kind.startsWith('image:')) return t(locale, 'advice_image');
  return key(locale, `advice_${incident.kind}`) ?? t(locale, 'advice_offline');
}

/** Everything a channel may need; each takes what it can carry. */
export interface RenderedAlert {
  locale: Locale;
  subject: string;
  text: string;
  /** one line for SMS: no advice, the acknowledge link if any (`sms`, joined) */
  short: string;
  /** the same, as the SMS channel fits it: the description may be cut, the incident number and link never */
  sms?: ShortForm | undefined;
  /** plain values for Zalo template parameters: no links, no phone numbers */
  fields: Record<string, string>;
  evidence?: string | undefined;
  mapUrl?: string | undefined;
  ackUrl?: string | undefined;
}

export interface RenderInput {
  incident: Incident;
  kind: Exclude<AlertKind, 'digest'>;
  reason?: EscalationReason | undefined;
  recipientReason: RecipientReason | 'broadcast';
  directory: Directory;
  locale: Locale;
  timeZone: string;
  publicUrl?: string | undefined;
  escalateAfterMinutes?: number | undefined;
  /** when rendering a recovery or escalation: the time it is rendered */
  at: number;
}

export function renderAlert(input: RenderInput): RenderedAlert {
  const { incident, kind, directory, locale, timeZone } = input;
  const camera = incident.camera_id ? directory.cameras.get(incident.camera_id) : undefined;
  const unitId = camera?.unitId ?? incident.unit_id;
  const problem = problemText(incident, directory, locale);
  const where = [camera?.location, unitPath(directory, unitId)].filter((s) => s).join(' — ');
  const since = formatTime(incident.opened_at, locale, timeZone);
  const mapUrl = mapLink(camera?.lat, camera?.lon);
  const ackUrl = ackLink(input.publicUrl, incident.id);
  // Closed by a person, not by the camera coming back: said as such.
  const byHand = kind === 'recovery' && incident.resolved_by !== null && !incident.resolved_by.startsWith('camwatch');
  const titleKey = kind === 'escalation' ? `title_escalation_${input.reason ?? 'unacknowledged'}` : byHand ? 'title_closed' : `title_${kind}`;
  const subject = t(locale, titleKey, { problem, minutes: input.escalateAfterMinutes ?? '' });

  const lines = [subject];
  if (camera) lines.push(t(locale, 'line_camera', { camera: camera.name, camera_id: camera.id }));
  if (where) lines.push(t(locale, 'line_where', { where }));
  if (mapUrl) lines.push(t(locale, 'line_map', { url: mapUrl }));
  lines.push(t(locale, 'line_since', { since }));
  const recoveredAt = incident.resolved_at ?? input.at;
  if (kind === 'recovery') {
    const line = byHand ? 'line_closed' : 'line_recovered';
    lines.push(t(locale, line, { at: formatTime(recoveredAt, locale, timeZone), duration: formatDuration(recoveredAt - incident.opened_at, locale), by: incident.resolved_by ?? '' }));
  } else {
    if (incident.detail && incident.scope === 'camera') {
      // An image finding is described in words; a probe's error ("…: ECONNREFUSED") is technical
      // detail for the administrators only.
      if (incident.kind.startsWith('image:')) lines.push(t(locale, 'line_detail', { detail: incident.detail }));
      else if (input.recipientReason === 'admin') lines.push(t(locale, 'line_technical', { detail: incident.detail }));
    }
    lines.push(t(locale, 'line_advice', { advice: adviceText(incident, locale) }));
    const contractor = incident.contractor_id ? directory.contractors.get(incident.contractor_id) : undefined;
    if (contractor && input.recipientReason === 'contractor') {
      lines.push(
        t(locale, 'line_work_order', {
          contractor: contractor.name,
          hours: contractor.repairHours,
          deadline: formatTime(incident.opened_at + contractor.repairHours * 3_600_000, locale, timeZone),
        }),
      );
    }
    if (input.recipientReason === 'owner') lines.push(t(locale, 'line_owner'));
    else if (incident.acknowledged_at === null) {
      if (ackUrl) lines.push(t(locale, 'line_ack_link', { url: ackUrl }));
      // A command line is for the administrators who run camwatch, never for a police chief.
      if (input.recipientReason === 'admin') lines.push(t(locale, 'line_ack_cli', { id: incident.id }));
    }
  }
  lines.push(t(locale, 'line_incident', { id: incident.id }));
  const evidence = kind === 'recovery' ? undefined : incident.evidence_path ?? undefined;

  const unitName = unitId ? directory.units.get(unitId)?.name : undefined;
  const shortKey = kind === 'escalation' ? `short_escalation_${input.reason ?? 'unacknowledged'}` : byHand ? 'short_closed' : `short_${kind}`;
  const description = [t(locale, shortKey, { problem: problemText(incident, directory, locale, 'short'), minutes: input.escalateAfterMinutes ?? '' }), camera?.name, unitName, formatTime(kind === 'recovery' ? recoveredAt : incident.opened_at, locale, timeZone)];
  const sms: ShortForm = {
    description: description.filter((part): part is string => Boolean(part)),
    keep: [`#${incident.id}`, ...(ackUrl && kind !== 'recovery' && input.recipientReason !== 'owner' ? [ackUrl] : [])],
  };

  const fields: Record<string, string> = {
    incident_id: String(incident.id),
    problem,
    camera: camera?.name ?? '',
    unit: unitName ?? '',
    location: camera?.location ?? '',
    since,
    status: kind,
  };
  if (kind === 'recovery') fields.recovered_at = formatTime(recoveredAt, locale, timeZone);
  return { locale, subject, text: lines.join('\n'), short: joinShortForm(sms), sms, fields, evidence, mapUrl, ackUrl };
}
