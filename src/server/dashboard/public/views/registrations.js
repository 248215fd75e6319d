// Cameras registered by their owners (commune police and admins): each registration with its place,
// owner, device and the consent as given; the commune police approve (the camera joins the
// inventory and is monitored) or reject it. The server checks the commune and audits every decision.
import { t, fmtTime, el, api, show, table, rerender, session, Unauthorized } from '../core.js';

async function decide(registration, decision) {
  let body = {};
  if (decision === 'reject') {
    const note = window.prompt(t('reg_reject_note'));
    if (note === null) return;
    body = note ? { note: note.slice(0, 500) } : {};
  }
  try {
    await api(`/api/registrations/${registration.id}/${decision}`, { method: 'POST', body: JSON.stringify(body) });
    session.notice = t(decision === 'approve' ? 'reg_was_approved' : 'reg_was_rejected', { camera: registration.camera_name });
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
    session.notice = error.message;
  }
  await rerender();
}

function row(r) {
  const pending = r.status === 'pending';
  return el(
    'tr',
    { 'data-registration': r.id, 'data-status': r.status },
    el('td', {}, fmtTime(r.created_at), el('br'), el('span', { class: 'muted' }, `#${r.id}`)),
    el('td', {}, r.camera_id && r.status === 'approved' ? el('a', { href: `#/camera/${encodeURIComponent(r.camera_id)}` }, r.camera_name) : r.camera_name, el('br'), el('span', { class: 'muted' }, `${r.unit_name} — ${r.location || ''} (${r.lat}, ${r.lon})`)),
    el('td', {}, r.owner_name, el('br'), el('span', { class: 'muted' }, `${t(`reg_type_${r.owner_type}`)} — ${r.owner_phone}`)),
    el('td', {}, `${r.onvif_host}:${r.onvif_port}`, el('br'), el('span', { class: 'muted' }, `${r.onvif_user} — ${t(r.password_given ? 'reg_password_given' : 'reg_password_offline')}`)),
    el('td', {}, t('reg_consent', { version: r.consent_version, time: fmtTime(r.consent_at) }), el('br'), el('span', { class: 'muted', title: r.consent_sha256 }, `SHA-256 ${r.consent_sha256.slice(0, 12)}…`)),
    el('td', {}, t(`reg_status_${r.status}`), r.decided_by ? el('span', { class: 'muted' }, ` — ${r.decided_by}`) : null, r.decision_note ? [el('br'), el('span', { class: 'muted' }, r.decision_note)] : null),
    el(
      'td',
      {},
      pending ? el('button', { type: 'button', 'data-action': 'approve', onclick: () => decide(r, 'approve') }, t('reg_approve')) : null,
      ' ',
      pending ? el('button', { type: 'button', class: 'secondary', 'data-action': 'reject', onclick: () => decide(r, 'reject') }, t('reg_reject')) : null,
    ),
  );
}

export async function registrationsView() {
  const registrations = await api('/api/registrations');
  // Waiting ones first: they are what the page is for.
  const ordered = [...registrations.filter((r) => r.status === 'pending'), ...registrations.filter((r) => r.status !== 'pending')];
  show(
    el('h1', {}, t('reg_title')),
    el('p', { class: 'muted' }, t('reg_note'), ' ', el('a', { href: '/register', target: '_blank', rel: 'noopener' }, `${location.origin}/register`)),
    ordered.length
      ? table([t('reg_col_time'), t('reg_col_camera'), t('reg_col_owner'), t('reg_col_device'), t('reg_col_consent'), t('reg_col_status'), t('actions')], ordered.map(row))
      : el('p', { class: 'muted' }, t('reg_none')),
  );
}
