// Evidence clips (police roles): ask for a camera to be recorded now, or for a past time range
// (fetched from the camera's own recording through ONVIF Profile G, else recorded now), with a
// reason; follow the clips with their status and how each was obtained; download one (the server
// checks its SHA-256 first) or open its chain-of-custody sheet.
import { t, fmtTime, el, api, show, table, session } from '../core.js';

/** While a clip is recording, its row is looked at again this often; the form is never redrawn. */
const POLL_MS = 1000;
let poll = null;

function clipRow(clip) {
  const ready = clip.status === 'ready';
  return el(
    'tr',
    { 'data-testid': 'clip-row', 'data-clip': clip.id, 'data-status': clip.status },
    el('td', {}, String(clip.id)),
    el('td', {}, el('a', { href: `#/camera/${encodeURIComponent(clip.camera_id)}` }, clip.camera_name)),
    el('td', {}, clip.requested_by),
    el('td', {}, fmtTime(clip.requested_at)),
    el('td', {}, t('clip_seconds', { seconds: clip.duration_s }), clip.range_from ? el('div', { class: 'muted' }, t('clip_range_from', { time: fmtTime(clip.range_from) })) : null),
    el('td', { 'data-testid': 'clip-method', title: clip.method_note ?? '' }, clip.method ? t(`clip_method_${clip.method}`) : '—'),
    el('td', { 'data-testid': 'clip-status' }, t(`clip_status_${clip.status}`), clip.error ? el('div', { class: 'muted' }, clip.error) : null),
    el('td', { class: 'hash' }, clip.sha256 ? el('code', { title: clip.sha256 }, `${clip.sha256.slice(0, 16)}…`) : '—'),
    el(
      'td',
      {},
      ready ? el('a', { href: `/api/clips/${clip.id}/file`, 'data-testid': 'clip-download' }, t('clip_download')) : null,
      ' ',
      el('a', { href: `/api/clips/${clip.id}/sheet?lang=${session.lang}`, target: '_blank', rel: 'noopener', 'data-testid': 'clip-sheet' }, t('clip_sheet')),
      ' ',
      el('a', { href: `/api/clips/${clip.id}/sheet?lang=${session.lang}&format=pdf` }, t('clip_sheet_pdf')),
    ),
  );
}

async function renderList(holder) {
  clearTimeout(poll);
  const clips = await api('/api/clips');
  holder.replaceChildren(
    clips.length
      ? table([t('clip_number'), t('clip_camera'), t('clip_requested_by'), t('clip_requested_at'), t('clip_duration'), t('clip_method'), t('clip_status'), t('clip_sha256'), t('actions')], clips.map(clipRow))
      : el('p', { class: 'muted' }, t('clip_none')),
  );
  if (clips.some((clip) => clip.status === 'recording')) poll = setTimeout(() => location.hash === '#/clips' && renderList(holder).catch(() => {}), POLL_MS);
}

export async function clipsView() {
  const cameras = await api('/api/cameras');
  const list = el('div', { 'data-testid': 'clip-list' });
  const message = el('p', { role: 'status' });
  const submit = async (event) => {
    event.preventDefault();
    const form = event.target;
    const data = new FormData(form);
    message.className = '';
    message.textContent = '';
    try {
      const seconds = Number(data.get('duration'));
      // A start given (the browser's local time): that past range; none: recorded from now.
      const from = data.get('from') ? new Date(String(data.get('from'))) : null;
      const when = from ? { from: from.toISOString(), to: new Date(from.getTime() + seconds * 1000).toISOString() } : { duration_s: seconds };
      await api('/api/clips', { method: 'POST', body: JSON.stringify({ camera_id: data.get('camera'), ...when, reason: String(data.get('reason')) }) });
      form.elements.reason.value = '';
      message.textContent = t('clip_requested');
    } catch (error) {
      message.className = 'error';
      message.textContent = error.message;
    }
    await renderList(list);
  };
  show(
    el('h1', {}, t('clip_title')),
    el('p', { class: 'muted' }, t('clip_note')),
    el(
      'form',
      // The stacked, phone-sized form of the maintenance page (app.css form.visit-form).
      { class: 'visit-form card', 'data-testid': 'clip-form', onsubmit: submit },
      el('label', {}, t('clip_camera'), el('select', { name: 'camera', required: true }, cameras.map((camera) => el('option', { value: camera.id }, `${camera.name} (${camera.id})`)))),
      el('label', {}, t('clip_from'), el('input', { name: 'from', type: 'datetime-local', step: 1 }), el('small', { class: 'muted' }, t('clip_from_hint'))),
      el('label', {}, t('clip_duration'), el('input', { name: 'duration', type: 'number', min: 3, max: 300, value: 10, required: true })),
      el('label', {}, t('clip_reason'), el('textarea', { name: 'reason', required: true, minlength: 5, maxlength: 500, rows: 3 })),
      el('button', { type: 'submit', 'data-testid': 'clip-submit' }, t('clip_record')),
    ),
    message,
    el('h2', {}, t('clip_list')),
    list,
  );
  await renderList(list);
}
