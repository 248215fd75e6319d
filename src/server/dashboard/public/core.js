// The dashboard's shared parts: the session, words and formats, the DOM helper, the API client
// and the pieces several views draw. Each view lives in views/ and imports what it needs here.
import { messages } from './i18n.js';

/**
 * What the views share. `timeZone` and `reports` come from GET /api/reports once logged in (the
 * config owns both); `stopLive` ends a playing live view; `notice` is shown once above the next view.
 */
export const session = {
  lang: localStorage.getItem('camwatch.lang') || 'vi',
  me: null,
  timeZone: undefined,
  reports: [],
  stopLive: null,
  notice: null,
  /** the router, set by app.js: views call rerender() after an action */
  route: async () => {},
};

export const rerender = () => session.route();

export const t = (key, params = {}) => (messages[session.lang][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));
export const locale = () => (session.lang === 'vi' ? 'vi-VN' : 'en-GB');
/** "14:05 ngày 04/12/2026" (vi) or "04/12/2026 14:05" (en): the one way camwatch writes a moment (formatTime in src/i18n). */
export const fmtTime = (ms) => {
  if (!ms) return '—';
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: session.timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(ms)
      .map((p) => [p.type, p.value]),
  );
  const date = `${parts.day}/${parts.month}/${parts.year}`;
  const time = `${parts.hour}:${parts.minute}`;
  return session.lang === 'vi' ? `${time} ngày ${date}` : `${date} ${time}`;
};
export const fmtPct = (ratio) => (ratio === null || ratio === undefined ? '—' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(ratio));
export const stateLabel = (state) => t(`state_${state}`);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

export class Unauthorized extends Error {}

export async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options, headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers } });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    // The server's code in the reader's language; its English message only for a code without words here.
    const key = `api_error_${body.error}`;
    const error = new Error(key in messages[session.lang] ? t(key, body.params) : body.message || `HTTP ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

/** "quá tối", "mờ", … for an image finding kind; a kind without a name yet is shown as it is. */
export function findingName(kind) {
  const key = `finding_${kind}`;
  return key in messages[session.lang] ? t(key) : kind;
}

/** A probe's failure kind in words ("unreachable" → "không kết nối được"). */
export function failureName(kind) {
  const key = `failure_${kind}`;
  return key in messages[session.lang] ? t(key) : kind;
}

/**
 * What the API gives as `detail`: an image finding in words, shown as it is, or a failure's
 * technical detail (administrators only), labelled as such.
 */
export function detailText(kind, detail) {
  return kind && kind.startsWith('image:') ? detail : t('technical_details', { detail });
}

export function incidentKind(kind) {
  if (kind.startsWith('image:')) return t('kind_image', { finding: findingName(kind.slice('image:'.length)) });
  if (kind.startsWith('area_image_')) return t('kind_area_image', { finding: findingName(kind.slice('area_image_'.length)) });
  const key = `kind_${kind}`;
  return key in messages[session.lang] ? t(key) : kind;
}

/** A camera's state, with what is wrong with its picture when the picture is the problem. */
export function stateText(camera) {
  return camera.state === 'degraded' && camera.image_kind ? `${stateLabel(camera.state)} — ${findingName(camera.image_kind)}` : stateLabel(camera.state);
}

export function stateBadge(camera) {
  return el('span', { class: `state-${camera.state}` }, el('span', { class: `dot ${camera.state}` }), stateText(camera));
}

export function thumb(camera) {
  return camera.image_allowed
    ? el('img', { class: 'thumb', src: `/api/cameras/${encodeURIComponent(camera.id)}/image`, alt: camera.name, loading: 'lazy', onerror: (event) => event.target.replaceWith(el('div', { class: 'thumb' })) })
    : el('div', { class: 'thumb' });
}

export function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))), el('tbody', {}, rows));
}

const main = () => document.getElementById('view');

/** A message for the next view (the outcome of an action), shown once above it. */

/**
 * Show a view. The page refreshes every few seconds: only the blocks that changed are replaced, so
 * an unchanged table keeps its scroll position, a picture does not flicker and a menu being read
 * stays open. Blocks are compared by their markup (listeners aside: equal markup shows the same data).
 */
export function show(...nodes) {
  const banner = session.notice ? el('p', { class: 'notice', role: 'status', 'data-testid': 'notice' }, session.notice) : null;
  session.notice = null;
  const next = [banner, ...nodes].flat(2).filter((node) => node !== null && node !== undefined).map((node) => (node instanceof Node ? node : document.createTextNode(String(node))));
  const view = main();
  const current = [...view.childNodes];
  if (current.length !== next.length) return view.replaceChildren(...next);
  next.forEach((node, i) => {
    if (!current[i].isEqualNode(node)) current[i].replaceWith(node);
  });
}

// ---------- views ----------

export function currentMonth() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: session.timeZone, year: 'numeric', month: '2-digit' }).format(Date.now());
}

/** The official period (15th → 14th) that contains today is named after the month it ends in. */
export function currentPeriod() {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: session.timeZone }).format(Date.now()).split('-').map(Number);
  const end = day >= 15 ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year, month - 1, 1));
  return end.toISOString().slice(0, 7);
}

