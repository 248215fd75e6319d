// Incidents: the list, one incident and the actions on it.
import { session, rerender, t, fmtTime, el, Unauthorized, api, detailText, incidentKind, thumb, table, show } from '../core.js';
import { incidentVisits } from './maintenance.js';

export function incidentTable(incidents) {
  if (!incidents.length) return el('p', { class: 'muted' }, t('none'));
  const canAct = session.me && session.me.role !== 'viewer';
  return table(
    [t('incident'), t('kind'), t('opened'), t('acknowledged'), t('resolved'), t('actions')],
    incidents.map((i) =>
      el(
        'tr',
        { 'data-incident': i.id },
        el('td', {}, `#${i.id} `, i.camera_id ? el('a', { href: `#/camera/${encodeURIComponent(i.camera_id)}` }, i.camera_name ?? i.camera_id) : (i.unit_name ?? i.unit_id ?? '')),
        el('td', {}, incidentKind(i.kind)),
        el('td', {}, fmtTime(i.opened_at)),
        el('td', {}, i.acknowledged_at ? `${fmtTime(i.acknowledged_at)} · ${i.acknowledged_by}` : '—'),
        el('td', {}, i.resolved_at ? `${fmtTime(i.resolved_at)} · ${i.resolved_by}` : '—'),
        el(
          'td',
          {},
          canAct && !i.acknowledged_at && !i.resolved_at && (session.me.role !== 'contractor' || contractorRepairs(i))
            ? el('button', { type: 'button', 'data-action': 'ack', onclick: () => act(i.id, 'acknowledge') }, t('ack'))
            : null,
          ' ',
          canAct && session.me.role !== 'contractor' && !i.resolved_at ? el('button', { type: 'button', class: 'secondary', 'data-action': 'resolve', onclick: () => act(i.id, 'resolve') }, t('resolve')) : null,
          ' ',
          canAct && session.me.role !== 'contractor' && !i.resolved_at && i.camera_id && MARKABLE.has(i.kind.replace(/^image:/, ''))
            ? el('button', { type: 'button', class: 'secondary', 'data-action': 'false-alarm', onclick: () => markFalseAlarm(i) }, t('false_alarm'))
            : null,
        ),
      ),
    ),
  );
}

/** A contractor acknowledges only what its contract repairs (the server decides; this hides the button). */
function contractorRepairs(incident) {
  return Boolean(incident.camera_id) && (incident.kind === 'offline' || incident.kind === 'stream_down' || incident.kind.startsWith('image:'));
}

async function act(id, action) {
  await api(`/api/incidents/${id}/${action}`, { method: 'POST', body: '{}' });
  rerender();
}

/** Image findings an operator may mark as normal for a camera (the server decides, this only hides the button). */
const MARKABLE = new Set(['blurred', 'dark', 'overexposed', 'covered', 'noisy', 'colour_cast', 'moved']);

/** "This picture is normal for this camera": the server re-measures the latest frame and keeps the mark, audited. */
async function markFalseAlarm(incident) {
  const reason = window.prompt(t('false_alarm_reason'), '');
  if (reason === null) return;
  const kind = incident.kind.replace(/^image:/, '');
  try {
    const answer = await api(`/api/cameras/${encodeURIComponent(incident.camera_id)}/false-alarms`, { method: 'POST', body: JSON.stringify({ kind, reason }) });
    session.notice = answer.message;
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
    session.notice = error.message;
  }
  rerender();
}

/** One incident: where the acknowledge link of an alert message leads. */
export async function incidentView(id) {
  const incident = await api(`/api/incidents/${encodeURIComponent(id)}`);
  const visits = await incidentVisits(incident.id);
  show(
    el('a', { href: '#/incidents' }, t('back')),
    el('h1', {}, `${t('incident')} #${incident.id}: ${incidentKind(incident.kind)}`),
    incident.detail ? el('p', { 'data-testid': 'incident-detail' }, detailText(incident.kind, incident.detail)) : null,
    incidentTable([incident]),
    incident.has_evidence ? el('img', { class: 'thumb evidence', src: `/api/incidents/${incident.id}/evidence`, alt: t('snapshot') }) : null,
    visits,
  );
}

export async function incidentsView() {
  const openOnly = sessionStorage.getItem('camwatch.allIncidents') !== '1';
  const incidents = await api(`/api/incidents?limit=500${openOnly ? '&open=true' : ''}`);
  const toggle = el('select', {
    onchange: (event) => {
      sessionStorage.setItem('camwatch.allIncidents', event.target.value === 'all' ? '1' : '0');
      rerender();
    },
  }, el('option', { value: 'open', selected: openOnly }, t('open_only')), el('option', { value: 'all', selected: !openOnly }, t('all')));
  show(el('h1', {}, t('incidents')), el('div', { class: 'filters' }, toggle), incidentTable(incidents));
}
