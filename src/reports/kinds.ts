/**
 * The report kinds as a menu offers them. The record type makes the compiler refuse a kind
 * without a label in every language; the API serves this list, so the dashboard keeps no copy.
 */
import { LOCALES, type Locale } from '../i18n/index.js';
import { REPORT_KINDS, type ReportKind } from './build.js';

const LABELS: Record<Locale, Record<ReportKind, string>> = {
  vi: {
    uptime: 'Tỷ lệ hoạt động',
    incidents: 'Sự cố đang mở',
    history: 'Sự cố trong kỳ',
    overdue: 'Sửa chữa quá hạn',
    images: 'Camera ảnh không rõ nét',
    lighting: 'Điểm đen cần chiếu sáng',
    sla: 'Thời gian xử lý của nhà thầu',
    coverage: 'Mật độ camera',
    maintenance: 'Bảo trì định kỳ',
  },
  en: {
    uptime: 'Uptime',
    incidents: 'Open incidents',
    history: 'Incidents in the period',
    overdue: 'Overdue repairs',
    images: 'Unclear images',
    lighting: 'Black spots needing lighting',
    sla: 'Contractor SLA',
    coverage: 'Camera coverage',
    maintenance: 'Routine maintenance',
  },
};

export interface ReportKindEntry {
  kind: ReportKind;
  label: Record<Locale, string>;
}

export function reportKindList(): ReportKindEntry[] {
  return REPORT_KINDS.map((kind) => ({ kind, label: Object.fromEntries(LOCALES.map((locale) => [locale, LABELS[locale][kind]])) as Record<Locale, string> }));
}
