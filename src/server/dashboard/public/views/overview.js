// The overview of every camera, and one unit with its cameras.
import { t, fmtTime, fmtPct, stateLabel, el, api, stateBadge, thumb, table, show, currentMonth, session } from '../core.js';

/** For admins, who can raise a limit: checks that started late in the scheduler's last window. */
function scheduleWarning(schedule) {
  if (!schedule || !schedule.late) return null;
  return el(
    'div',
    { class: 'warning', role: 'alert', 'data-testid': 'schedule-late' },
    el('p', {}, t('schedule_late', { late: schedule.late, started: schedule.started, minutes: Math.ceil(schedule.max_lag_s / 60) })),
    schedule.hosts.slice(0, 5).map((h) =>
      el('p', {}, h.limited_by ? t('schedule_late_host', { host: h.host, late: h.late, setting: `probe.${h.limited_by}`, value: schedule.settings[h.limited_by] }) : t('schedule_late_slow', { host: h.host, late: h.late })),
    ),
  );
}

export async function overviewView() {
  const [cameras, worst, schedule] = await Promise.all([
    api('/api/cameras'),
    api(`/api/reports/uptime?group_by=unit&month=${currentMonth()}`).catch(() => null),
    session.me?.role === 'admin' ? api('/api/schedule').catch(() => null) : null,
  ]);
  const counts = { online: 0, degraded: 0, offline: 0, auth_failed: 0, unknown: 0 };
  for (const c of cameras) counts[c.state] = (counts[c.state] ?? 0) + 1;
  const byUnit = new Map();
  for (const c of cameras) {
    const u = byUnit.get(c.unit_id) ?? { id: c.unit_id, name: c.unit_name, total: 0, bad: 0 };
    u.total++;
    if (c.state !== 'online') u.bad++;
    byUnit.set(c.unit_id, u);
  }
  const problems = cameras.filter((c) => c.state !== 'online' && c.state !== 'unknown');
  show(
    el('h1', {}, t('overview_title')),
    scheduleWarning(schedule),
    el(
      'div',
      { class: 'cards' },
      el('div', { class: 'card', 'data-testid': 'count-total' }, el('div', { class: 'n' }, cameras.length), t('total')),
      Object.entries(counts).map(([state, n]) => el('div', { class: 'card', 'data-testid': `count-${state}` }, el('div', { class: `n state-${state}` }, n), stateLabel(state))),
    ),
    el('h2', {}, t('problems')),
    problems.length
      ? el(
          'div',
          { class: 'grid' },
          problems.map((c) =>
            el('a', { class: 'tile', href: `#/camera/${encodeURIComponent(c.id)}`, 'data-camera': c.id }, thumb(c), el('div', { class: 'body' }, el('strong', {}, c.name), el('br'), stateBadge(c), el('div', { class: 'muted' }, `${c.unit_name} · ${t('since')} ${fmtTime(c.state_since)}`))),
          ),
        )
      : el('p', { class: 'muted' }, t('none')),
    el('h2', {}, t('by_unit')),
    table(
      [t('unit'), t('cameras'), t('state_online'), t('problems')],
      [...byUnit.values()].sort((a, b) => b.bad - a.bad).map((u) => el('tr', {}, el('td', {}, el('a', { href: `#/unit/${encodeURIComponent(u.id)}` }, u.name)), el('td', {}, u.total), el('td', {}, u.total - u.bad), el('td', { class: u.bad ? 'state-offline' : '' }, u.bad))),
    ),
    worst && worst.rows.length
      ? [
          el('h2', {}, t('worst_units')),
          table(
            [t('unit'), t('cameras'), t('availability'), t('image_ok')],
            worst.rows.slice(0, 5).map((r) => el('tr', {}, el('td', {}, r.name ?? r.key), el('td', {}, r.cameras), el('td', {}, fmtPct(r.availability)), el('td', {}, fmtPct(r.image_ok ?? r.imageOk)))),
          ),
        ]
      : null,
  );
}

export async function unitView(unitId) {
  const cameras = await api(`/api/cameras?unit=${encodeURIComponent(unitId)}`);
  const name = cameras[0]?.unit_name ?? unitId;
  show(
    el('a', { href: '#/' }, t('back')),
    el('h1', {}, name),
    el(
      'div',
      { class: 'grid' },
      cameras.map((c) =>
        el('a', { class: 'tile', href: `#/camera/${encodeURIComponent(c.id)}`, 'data-camera': c.id }, thumb(c), el('div', { class: 'body' }, el('strong', {}, c.name), el('br'), stateBadge(c), el('div', { class: 'muted' }, c.location))),
      ),
    ),
  );
}
