// Routine maintenance under the contracts: the cameras due a visit, the form a contractor fills on
// site from a phone (what was done, photos, the open incident it found) and the visits logged. The
// server decides what is due and checks every photo; this page asks and shows.
import { session, rerender, t, fmtTime, el, Unauthorized, api, show, incidentKind } from '../core.js';

/** The server's limits (src/server/routes/maintenance-visits.ts), checked here first to spare a phone the upload. */
const PHOTO_MAX_BYTES = 8 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png'];
const TASKS = ['clean', 'inspect', 'adjust', 'firmware', 'repair'];

const taskNames = (tasks) => tasks.map((task) => t(`maintenance_task_${task}`)).join(', ');
const canLog = () => session.me.role === 'admin' || session.me.role === 'contractor';

function dueText(line) {
  if (line.reason === 'degrading') return t('maintenance_due_degrading');
  if (line.reason === 'never') return t('maintenance_never', { tasks: taskNames(line.late_tasks) });
  return t('maintenance_overdue', { tasks: taskNames(line.late_tasks), date: fmtTime(line.due_at) });
}

function dueList(lines, pick) {
  if (!lines.length) return el('p', { class: 'muted', 'data-testid': 'maintenance-due' }, t('maintenance_none_due'));
  return el(
    'ul',
    { class: 'maintenance-cards', 'data-testid': 'maintenance-due' },
    lines.map((line) =>
      el(
        'li',
        { class: 'card', 'data-camera': line.camera_id },
        el('strong', {}, line.camera_name), el('span', { class: 'muted' }, ` — ${line.unit_name}`),
        el('div', { class: line.status === 'overdue' ? 'state-offline' : 'state-degraded' }, dueText(line)),
        el('div', { class: 'muted' }, line.last_visit_at ? t('maintenance_last_visit', { date: fmtTime(line.last_visit_at) }) : t('maintenance_no_visit')),
        el('div', { class: 'muted' }, t('maintenance_every', { days: line.every_days, tasks: taskNames(line.tasks) })),
        canLog() ? el('button', { type: 'button', class: 'secondary', 'data-action': 'log-visit', onclick: () => pick(line.camera_id) }, t('maintenance_log')) : null,
      ),
    ),
  );
}

/** Sends the visit, then its photos one by one (each is the file itself as the body). */
async function submitVisit(form, schedule) {
  const data = new FormData(form);
  const tasks = data.getAll('tasks');
  const photos = data.getAll('photos').filter((file) => file.size > 0);
  if (!tasks.length) return notice(t('maintenance_pick_task'));
  const bad = photos.find((file) => file.size > PHOTO_MAX_BYTES || !PHOTO_TYPES.includes(file.type));
  if (bad) return notice(t('maintenance_photo_rejected', { name: bad.name }));
  const cameraId = data.get('camera_id');
  const visitedAt = data.get('visited_at');
  const body = {
    camera_id: cameraId,
    tasks,
    technician: data.get('technician') || undefined,
    note: data.get('note') || '',
    incident_id: data.get('incident_id') ? Number(data.get('incident_id')) : null,
    ...(visitedAt ? { visited_at: new Date(visitedAt).toISOString() } : {}),
  };
  let visit;
  try {
    visit = await api('/api/maintenance/visits', { method: 'POST', body: JSON.stringify(body) });
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
    return notice(error.message);
  }
  for (const file of photos) {
    try {
      await api(`/api/maintenance/visits/${visit.id}/photos`, { method: 'POST', body: file, headers: { 'content-type': file.type } });
    } catch (error) {
      if (error instanceof Unauthorized) throw error;
      return notice(t('maintenance_photo_failed', { name: file.name, message: error.message }));
    }
  }
  const camera = schedule.find((line) => line.camera_id === cameraId);
  return notice(t('maintenance_saved', { camera: camera ? camera.camera_name : cameraId, photos: photos.length }));
}

function notice(text) {
  session.notice = text;
  return rerender();
}

function visitForm(schedule) {
  const incident = el('div', { 'data-testid': 'visit-incident' });
  const camera = el(
    'select',
    { name: 'camera_id', required: true, onchange: () => offerIncident() },
    el('option', { value: '' }, '—'),
    schedule.map((line) => el('option', { value: line.camera_id }, `${line.camera_name} — ${line.unit_name}`)),
  );
  // A visit that finds the camera broken belongs with its open incident: offered, ticked, and the visitor may untick it.
  const offerIncident = () => {
    const open = schedule.find((line) => line.camera_id === camera.value)?.open_incident;
    incident.replaceChildren(
      ...(open ? [el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'incident_id', value: open.id, checked: true }), t('maintenance_link_incident', { id: open.id, kind: incidentKind(open.kind) }))] : []),
    );
  };
  const form = el(
    'form',
    { class: 'visit-form card', 'data-testid': 'visit-form', onsubmit: (event) => (event.preventDefault(), submitVisit(form, schedule)) },
    el('label', {}, t('maintenance_camera'), camera),
    incident,
    el('fieldset', {}, el('legend', {}, t('maintenance_tasks')), TASKS.map((task) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'tasks', value: task }), t(`maintenance_task_${task}`)))),
    el('label', {}, t('maintenance_technician'), el('input', { name: 'technician', maxlength: 100, autocomplete: 'name', placeholder: session.me.name })),
    el('label', {}, t('maintenance_visited_at'), el('input', { name: 'visited_at', type: 'datetime-local' })),
    el('label', {}, t('maintenance_note'), el('textarea', { name: 'note', maxlength: 2000, rows: 3 })),
    el('label', {}, t('maintenance_photos'), el('input', { name: 'photos', type: 'file', accept: PHOTO_TYPES.join(','), multiple: true })),
    el('button', { type: 'submit' }, t('maintenance_submit')),
  );
  const pick = (cameraId) => {
    camera.value = cameraId;
    offerIncident();
    form.scrollIntoView({ behavior: 'smooth' });
  };
  return { form, pick };
}

function visitCards(visits) {
  if (!visits.length) return el('p', { class: 'muted' }, t('maintenance_visits_none'));
  return el(
    'ul',
    { class: 'maintenance-cards', 'data-testid': 'maintenance-visits' },
    visits.map((visit) =>
      el(
        'li',
        { class: 'card', 'data-visit': visit.id },
        el('strong', {}, visit.camera_name), el('span', { class: 'muted' }, ` — ${fmtTime(visit.visited_at)}`),
        el('div', {}, taskNames(visit.tasks)),
        el('div', { class: 'muted' }, t('maintenance_by', { name: visit.technician })),
        visit.note ? el('p', {}, visit.note) : null,
        visit.incident_id ? el('a', { href: `#/incident/${visit.incident_id}` }, t('maintenance_incident', { id: visit.incident_id })) : null,
        el('div', { class: 'photos' }, visit.photos.map((photo) => el('a', { href: `/api/maintenance/photos/${photo.id}`, target: '_blank' }, el('img', { src: `/api/maintenance/photos/${photo.id}`, alt: t('maintenance_photo'), loading: 'lazy' })))),
      ),
    ),
  );
}

/** The visits linked to an incident, for its page; nothing when there are none. */
export async function incidentVisits(incidentId) {
  const visits = await api(`/api/maintenance/visits?incident=${encodeURIComponent(incidentId)}`);
  return visits.length ? [el('h2', {}, t('maintenance_incident_visits')), visitCards(visits)] : null;
}

export async function maintenanceView() {
  const [schedule, overdue, visits] = await Promise.all([api('/api/maintenance/schedule'), api('/api/maintenance/overdue'), api('/api/maintenance/visits?limit=30')]);
  const { form, pick } = canLog() ? visitForm(schedule) : { form: null, pick: () => {} };
  show(
    el('h1', {}, t('maintenance_title')),
    el('h2', {}, t('maintenance_due_title')),
    dueList(overdue, pick),
    form ? el('h2', {}, t('maintenance_form_title')) : null,
    form,
    el('h2', {}, t('maintenance_visits_title')),
    visitCards(visits),
  );
}
