// Reports: a kind and a period, shown as a table and exported.
import { session, rerender, t, locale, fmtTime, fmtPct, el, api, table, show, currentMonth, currentPeriod } from '../core.js';

export async function reportsView() {
  const state = JSON.parse(sessionStorage.getItem('camwatch.report') || '{}');
  // A kind this page no longer offers (saved by an older page) falls back instead of sticking.
  const kind = session.reports.some((r) => r.kind === state.kind) ? state.kind : 'uptime';
  const periodKind = state.periodKind || 'period';
  const month = state.month || (periodKind === 'period' ? currentPeriod() : currentMonth());
  const query = () => `${periodKind}=${month}&lang=${session.lang}`;
  const save = (patch) => {
    sessionStorage.setItem('camwatch.report', JSON.stringify({ kind, periodKind, month, ...patch }));
    rerender();
  };
  const report = await api(`/api/reports/${kind}?${query()}&format=json`);
  const href = (format) => `/api/reports/${kind}?${query()}&format=${format}`;
  show(
    el('h1', {}, t('reports_title')),
    el(
      'div',
      { class: 'filters' },
      el('label', {}, t('report_kind'), el('select', { 'data-testid': 'report-kind', onchange: (e) => save({ kind: e.target.value }) }, session.reports.map((r) => el('option', { value: r.kind, selected: r.kind === kind }, r.label[session.lang] ?? r.label.vi)))),
      el('label', {}, t('period'), el('select', { onchange: (e) => save({ periodKind: e.target.value }) }, el('option', { value: 'period', selected: periodKind === 'period' }, t('period_official')), el('option', { value: 'month', selected: periodKind === 'month' }, t('period_month')))),
      el('label', {}, t('period_month'), el('input', { type: 'month', value: month, onchange: (e) => save({ month: e.target.value }) })),
      // in Vietnamese, CSV for a Vietnamese Excel (";", decimal comma, dd/mm/yyyy)
      el('a', { href: `${href('csv')}&csv=${session.lang === 'vi' ? 'vi' : 'iso'}`, download: '', 'data-testid': 'export-csv' }, el('button', { type: 'button' }, t('export_csv'))),
      el('a', { href: href('xlsx'), download: '', 'data-testid': 'export-xlsx' }, el('button', { type: 'button' }, t('export_xlsx'))),
      el('a', { href: href('pdf'), download: '', 'data-testid': 'export-pdf' }, el('button', { type: 'button' }, t('export_pdf'))),
      el('a', { href: href('docx'), download: '', 'data-testid': 'export-docx' }, el('button', { type: 'button' }, t('export_docx'))),
      el('a', { href: href('html'), target: '_blank', 'data-testid': 'export-html' }, el('button', { type: 'button', class: 'secondary' }, t('export_html'))),
    ),
    el('h2', {}, `${report.title} — ${report.periodLabel}`),
    table(report.columns.map((c) => c.header), [
      ...report.rows.map((row) => el('tr', {}, report.columns.map((c) => el('td', {}, formatCell(row[c.key], c.type))))),
      ...(report.totals && report.rows.length ? [el('tr', { class: 'total', 'data-testid': 'report-total' }, report.columns.map((c) => el('td', {}, report.totals[c.key] === null || report.totals[c.key] === undefined ? '' : formatCell(report.totals[c.key], c.type))))] : []),
    ]),
    ...(report.summary ?? []).map((line) => el('p', {}, line)),
    ...(report.notes ?? []).map((line) => el('p', { class: 'muted' }, line)),
  );
}

function formatCell(value, type) {
  if (value === null || value === undefined) return '—';
  if (type === 'percent') return fmtPct(value);
  if (type === 'time' || type === 'datetime') return fmtTime(value);
  if (typeof value === 'number') return new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(value);
  return String(value);
}

