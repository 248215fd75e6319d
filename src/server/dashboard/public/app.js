// camwatch dashboard: a small single-page app over the authenticated JSON API. No framework:
// each view is a function that fetches what it shows and renders plain DOM.
import { messages } from './i18n.js';

/** The installation's time zone and report kinds, from GET /api/reports once logged in (the config owns both). */
let TZ;
let REPORTS = [];
const REFRESH_MS = 5000;
let lang = localStorage.getItem('camwatch.lang') || 'vi';
let me = null;
let refreshTimer = null;
let stopLive = null;

const t = (key, params = {}) => (messages[lang][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(params[k] ?? ''));
const locale = () => (lang === 'vi' ? 'vi-VN' : 'en-GB');
const fmtTime = (ms) => (ms ? new Intl.DateTimeFormat(locale(), { timeZone: TZ, dateStyle: 'short', timeStyle: 'short' }).format(ms) : '—');
const fmtPct = (ratio) => (ratio === null || ratio === undefined ? '—' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(ratio));
const stateLabel = (state) => t(`state_${state}`);

function el(tag, attrs = {}, ...children) {
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

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const res = await fetch(path, { credentials: 'same-origin', ...options, headers: { accept: 'application/json', ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers } });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const error = new Error(body.message || `HTTP ${res.status}`);
    error.status = res.status;
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

/** "quá tối", "mờ", … for an image finding kind; a kind without a name yet is shown as it is. */
function findingName(kind) {
  const key = `finding_${kind}`;
  return key in messages[lang] ? t(key) : kind;
}

function incidentKind(kind) {
  if (kind.startsWith('image:')) return t('kind_image', { finding: findingName(kind.slice('image:'.length)) });
  if (kind.startsWith('area_image_')) return t('kind_area_image', { finding: findingName(kind.slice('area_image_'.length)) });
  const key = `kind_${kind}`;
  return key in messages[lang] ? t(key) : kind;
}

/** A camera's state, with what is wrong with its picture when the picture is the problem. */
function stateText(camera) {
  return camera.state === 'degraded' && camera.image_kind ? `${stateLabel(camera.state)} — ${findingName(camera.image_kind)}` : stateLabel(camera.state);
}

function stateBadge(camera) {
  return el('span', { class: `state-${camera.state}` }, el('span', { class: `dot ${camera.state}` }), stateText(camera));
}

function thumb(camera) {
  return camera.image_allowed
    ? el('img', { class: 'thumb', src: `/api/cameras/${encodeURIComponent(camera.id)}/image`, alt: camera.name, loading: 'lazy', onerror: (event) => event.target.replaceWith(el('div', { class: 'thumb' })) })
    : el('div', { class: 'thumb' });
}

function table(headers, rows) {
  return el('table', {}, el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))), el('tbody', {}, rows));
}

const main = () => document.getElementById('view');

/** A message for the next view (the outcome of an action), shown once above it. */
let notice = null;

function show(...nodes) {
  const banner = notice ? el('p', { class: 'notice', role: 'status', 'data-testid': 'notice' }, notice) : null;
  notice = null;
  main().replaceChildren(...[banner, ...nodes].flat(2).filter((node) => node !== null && node !== undefined));
}

// ---------- views ----------

function loginView() {
  const error = el('p', { class: 'error', role: 'alert' });
  const form = el(
    'form',
    {
      class: 'login',
      onsubmit: async (event) => {
        event.preventDefault();
        const data = new FormData(form);
        try {
          const answer = await api('/api/login', { method: 'POST', body: JSON.stringify({ username: data.get('username'), password: data.get('password') }) });
          me = answer.user;
          location.hash = sessionStorage.getItem('camwatch.after') || '#/';
          sessionStorage.removeItem('camwatch.after');
          route();
        } catch (e) {
          error.textContent = e.status === 429 ? t('login_locked') : t('login_failed');
        }
      },
    },
    el('h1', {}, t('login_title')),
    el('label', {}, t('login_user'), el('input', { name: 'username', autocomplete: 'username', required: true })),
    el('label', {}, t('login_password'), el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    el('button', { type: 'submit' }, t('login_submit')),
    error,
  );
  show(form);
}

function currentMonth() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).format(Date.now());
}

/** The official period (15th → 14th) that contains today is named after the month it ends in. */
function currentPeriod() {
  const [year, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(Date.now()).split('-').map(Number);
  const end = day >= 15 ? new Date(Date.UTC(year, month, 1)) : new Date(Date.UTC(year, month - 1, 1));
  return end.toISOString().slice(0, 7);
}

async function overviewView() {
  const [cameras, worst] = await Promise.all([api('/api/cameras'), api(`/api/reports/uptime?group_by=unit&month=${currentMonth()}`).catch(() => null)]);
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

async function unitView(unitId) {
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

/** A strip of the check history: one bar per stored check, coloured by status. */
function historyChart(checks) {
  const width = 800;
  const height = 120;
  const sorted = [...checks].sort((a, b) => a.started_at - b.started_at);
  if (!sorted.length) return el('p', { class: 'muted' }, t('none'));
  const t0 = sorted[0].started_at;
  const t1 = Math.max(Date.now(), (sorted.at(-1).last_at ?? sorted.at(-1).started_at) + 1);
  const x = (ms) => ((ms - t0) / (t1 - t0)) * width;
  const maxDuration = Math.max(...sorted.map((c) => c.duration_max_ms ?? c.duration_ms), 1);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('history'));
  sorted.forEach((c, i) => {
    const end = sorted[i + 1]?.started_at ?? (c.last_at ?? c.started_at) + 60_000;
    const bar = document.createElementNS(ns, 'rect');
    bar.setAttribute('x', x(c.started_at));
    bar.setAttribute('y', 0);
    bar.setAttribute('width', Math.max(1, x(end) - x(c.started_at)));
    bar.setAttribute('height', 24);
    bar.setAttribute('fill', c.status === 'fail' ? '#b3261e' : c.image_ok === false || c.status === 'warn' ? '#b26a00' : '#1b7f3b');
    const title = document.createElementNS(ns, 'title');
    const findings = (c.findings ?? []).map(findingName).join(', ');
    title.textContent = `${fmtTime(c.started_at)} ${t(`status_${c.status}`)}${c.error_kind ? ' ' + c.error_kind : ''}${findings ? ` · ${findings}` : ''}`;
    bar.append(title);
    svg.append(bar);
    const dot = document.createElementNS(ns, 'circle');
    dot.setAttribute('cx', x(c.started_at));
    dot.setAttribute('cy', height - 8 - ((c.duration_ms / maxDuration) * (height - 40)));
    dot.setAttribute('r', 2.5);
    dot.setAttribute('fill', '#0d3b66');
    svg.append(dot);
  });
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', 4);
  label.setAttribute('y', 40);
  label.setAttribute('font-size', 11);
  label.textContent = `${t('duration')}: ≤ ${Math.round(maxDuration)}`;
  svg.append(label);
  return svg;
}

/** Live view: fragmented MP4 from the server, played through Media Source Extensions. */
function livePlayer(cameraId, status) {
  const video = el('video', { muted: true, autoplay: true, playsinline: true, 'data-testid': 'live-video' });
  video.muted = true;
  const controller = new AbortController();
  const source = new MediaSource();
  video.src = URL.createObjectURL(source);
  source.addEventListener('sourceopen', async () => {
    try {
      const res = await fetch(`/api/cameras/${encodeURIComponent(cameraId)}/live`, { credentials: 'same-origin', signal: controller.signal });
      if (res.status === 503) throw new Error(t('live_busy'));
      if (!res.ok || !res.body) throw new Error(t('live_error'));
      const reader = res.body.getReader();
      let buffer = null;
      let pending = new Uint8Array(0);
      const append = (bytes) =>
        new Promise((resolve) => {
          buffer.addEventListener('updateend', resolve, { once: true });
          buffer.appendBuffer(bytes);
        });
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!buffer) {
          pending = concat(pending, value);
          const codec = avcCodec(pending);
          if (!codec) continue;
          buffer = source.addSourceBuffer(`video/mp4; codecs="${codec}"`);
          await append(pending);
        } else {
          await append(value);
        }
        // Keep close to live: jump ahead when the player falls behind.
        if (video.buffered.length && video.buffered.end(0) - video.currentTime > 3) video.currentTime = video.buffered.end(0) - 0.5;
      }
    } catch (error) {
      if (error.name !== 'AbortError') status.textContent = error.message;
    }
  });
  video.play().catch(() => {});
  return { video, stop: () => controller.abort() };
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** "avc1.PPCCLL" from the avcC box of the init segment. */
function avcCodec(bytes) {
  for (let i = 0; i + 8 < bytes.length; i++) {
    if (bytes[i] === 0x61 && bytes[i + 1] === 0x76 && bytes[i + 2] === 0x63 && bytes[i + 3] === 0x43) {
      const hex = (n) => n.toString(16).padStart(2, '0');
      return `avc1.${hex(bytes[i + 5])}${hex(bytes[i + 6])}${hex(bytes[i + 7])}`;
    }
  }
  return null;
}

async function cameraView(cameraId) {
  const id = encodeURIComponent(cameraId);
  const [camera, checks, incidents] = await Promise.all([api(`/api/cameras/${id}`), api(`/api/cameras/${id}/checks?limit=300`), api(`/api/incidents?camera=${id}&limit=50`)]);
  const liveStatus = el('p', { class: 'muted', role: 'status' });
  const liveBox = el('div');
  const liveButton = el('button', {
    type: 'button',
    class: 'secondary',
    'data-testid': 'live-button',
    onclick: () => {
      if (stopLive) {
        stopLive();
        stopLive = null;
        liveBox.replaceChildren();
        liveButton.textContent = t('live');
        return;
      }
      const player = livePlayer(cameraId, liveStatus);
      stopLive = player.stop;
      liveBox.replaceChildren(player.video);
      liveButton.textContent = t('live_stop');
    },
  }, t('live'));
  const uptime = camera.uptime_7d ?? {};
  show(
    el('a', { href: `#/unit/${encodeURIComponent(camera.unit_id)}` }, t('back')),
    el('h1', {}, camera.name),
    el(
      'div',
      { class: 'row' },
      el(
        'div',
        {},
        el('p', {}, el('strong', {}, `${t('camera_state')}: `), el('span', { 'data-testid': 'camera-state' }, stateBadge(camera)), ` ${t('since')} ${fmtTime(camera.state_since)}`),
        el('p', {}, `${t('location')}: ${camera.location || '—'} · ${camera.unit_name}`),
        el('p', {}, `${t('last_check')}: ${fmtTime(camera.last_check_at)}`),
        el('p', {}, `${t('availability')} (7d): ${fmtPct(uptime.availability)} · ${t('image_ok')}: ${fmtPct(uptime.image_ok)} · ${uptime.checks ?? 0} ${t('checks')}`),
      ),
      el(
        'div',
        {},
        el('h2', {}, t('snapshot')),
        camera.image_allowed ? [thumb(camera), el('p', {}, liveButton), liveBox, liveStatus] : el('p', { class: 'muted' }, t('no_image')),
      ),
    ),
    el('h2', {}, t('history')),
    historyChart(checks),
    el('h2', {}, t('incidents')),
    incidentTable(incidents),
  );
}

function incidentTable(incidents) {
  if (!incidents.length) return el('p', { class: 'muted' }, t('none'));
  const canAct = me && me.role !== 'district_viewer';
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
          canAct && !i.acknowledged_at && !i.resolved_at && (me.role !== 'contractor' || contractorRepairs(i))
            ? el('button', { type: 'button', 'data-action': 'ack', onclick: () => act(i.id, 'acknowledge') }, t('ack'))
            : null,
          ' ',
          canAct && me.role !== 'contractor' && !i.resolved_at ? el('button', { type: 'button', class: 'secondary', 'data-action': 'resolve', onclick: () => act(i.id, 'resolve') }, t('resolve')) : null,
          ' ',
          canAct && me.role !== 'contractor' && !i.resolved_at && i.camera_id && MARKABLE.has(i.kind.replace(/^image:/, ''))
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
  route();
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
    notice = answer.message;
  } catch (error) {
    if (error instanceof Unauthorized) throw error;
    notice = error.message;
  }
  route();
}

/** One incident: where the acknowledge link of an alert message leads. */
async function incidentView(id) {
  const incident = await api(`/api/incidents/${encodeURIComponent(id)}`);
  show(
    el('a', { href: '#/incidents' }, t('back')),
    el('h1', {}, `${t('incident')} #${incident.id}: ${incidentKind(incident.kind)}`),
    incident.detail ? el('p', {}, incident.detail) : null,
    incidentTable([incident]),
    incident.has_evidence ? el('img', { class: 'thumb evidence', src: `/api/incidents/${incident.id}/evidence`, alt: t('snapshot') }) : null,
  );
}

async function incidentsView() {
  const openOnly = sessionStorage.getItem('camwatch.allIncidents') !== '1';
  const incidents = await api(`/api/incidents?limit=500${openOnly ? '&open=true' : ''}`);
  const toggle = el('select', {
    onchange: (event) => {
      sessionStorage.setItem('camwatch.allIncidents', event.target.value === 'all' ? '1' : '0');
      route();
    },
  }, el('option', { value: 'open', selected: openOnly }, t('open_only')), el('option', { value: 'all', selected: !openOnly }, t('all')));
  show(el('h1', {}, t('incidents')), el('div', { class: 'filters' }, toggle), incidentTable(incidents));
}

async function reportsView() {
  const state = JSON.parse(sessionStorage.getItem('camwatch.report') || '{}');
  // A kind this page no longer offers (saved by an older page) falls back instead of sticking.
  const kind = REPORTS.some((r) => r.kind === state.kind) ? state.kind : 'uptime';
  const periodKind = state.periodKind || 'period';
  const month = state.month || (periodKind === 'period' ? currentPeriod() : currentMonth());
  const query = () => `${periodKind}=${month}&lang=${lang}`;
  const save = (patch) => {
    sessionStorage.setItem('camwatch.report', JSON.stringify({ kind, periodKind, month, ...patch }));
    route();
  };
  const report = await api(`/api/reports/${kind}?${query()}&format=json`);
  const href = (format) => `/api/reports/${kind}?${query()}&format=${format}`;
  show(
    el('h1', {}, t('reports_title')),
    el(
      'div',
      { class: 'filters' },
      el('label', {}, t('report_kind'), el('select', { 'data-testid': 'report-kind', onchange: (e) => save({ kind: e.target.value }) }, REPORTS.map((r) => el('option', { value: r.kind, selected: r.kind === kind }, r.label[lang] ?? r.label.vi)))),
      el('label', {}, t('period'), el('select', { onchange: (e) => save({ periodKind: e.target.value }) }, el('option', { value: 'period', selected: periodKind === 'period' }, t('period_official')), el('option', { value: 'month', selected: periodKind === 'month' }, t('period_month')))),
      el('label', {}, t('period_month'), el('input', { type: 'month', value: month, onchange: (e) => save({ month: e.target.value }) })),
      el('a', { href: href('csv'), download: '', 'data-testid': 'export-csv' }, el('button', { type: 'button' }, t('export_csv'))),
      el('a', { href: href('xlsx'), download: '', 'data-testid': 'export-xlsx' }, el('button', { type: 'button' }, t('export_xlsx'))),
      el('a', { href: href('html'), target: '_blank', 'data-testid': 'export-html' }, el('button', { type: 'button', class: 'secondary' }, t('export_html'))),
    ),
    el('h2', {}, `${report.title} — ${report.periodLabel}`),
    table(report.columns.map((c) => c.header), report.rows.map((row) => el('tr', {}, report.columns.map((c) => el('td', {}, formatCell(row[c.key], c.type)))))),
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

/** Cameras drawn at their lat/lon on a plain background: works without Internet map tiles. */
async function mapView() {
  const cameras = (await api('/api/cameras')).filter((c) => c.lat !== null && c.lon !== null);
  if (!cameras.length) return show(el('h1', {}, t('map_title')), el('p', { class: 'muted' }, t('map_none')));
  const lats = cameras.map((c) => c.lat);
  const lons = cameras.map((c) => c.lon);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const pad = 0.002;
  const w = 800;
  const h = 500;
  const x = (lon) => ((lon - minLon + pad) / (maxLon - minLon + 2 * pad)) * w;
  const y = (lat) => h - ((lat - minLat + pad) / (maxLat - minLat + 2 * pad)) * h;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('class', 'chart');
  const colours = { online: '#1b7f3b', degraded: '#b26a00', offline: '#b3261e', auth_failed: '#b3261e', unknown: '#888' };
  for (const c of cameras) {
    const link = document.createElementNS(ns, 'a');
    link.setAttribute('href', `#/camera/${encodeURIComponent(c.id)}`);
    const dot = document.createElementNS(ns, 'circle');
    dot.setAttribute('cx', x(c.lon));
    dot.setAttribute('cy', y(c.lat));
    dot.setAttribute('r', 8);
    dot.setAttribute('fill', colours[c.state] ?? '#888');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${c.name} — ${stateText(c)}`;
    dot.append(title);
    link.append(dot);
    svg.append(link);
  }
  show(el('h1', {}, t('map_title')), el('p', { class: 'muted' }, t('map_note')), svg);
}

// ---------- shell ----------

function applyChrome() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.getElementById('lang').textContent = lang === 'vi' ? 'English' : 'Tiếng Việt';
  document.getElementById('nav').hidden = !me;
  document.getElementById('logout').hidden = !me;
  document.getElementById('who').textContent = me ? me.name : '';
}

async function route() {
  clearTimeout(refreshTimer);
  const hash = location.hash || '#/';
  const [, view, arg] = hash.split('/');
  if (stopLive && view !== 'camera') {
    stopLive();
    stopLive = null;
  }
  try {
    if (!me && view !== 'login') me = await api('/api/me');
    if (!TZ && view !== 'login') ({ timeZone: TZ, kinds: REPORTS } = await api('/api/reports'));
    applyChrome();
    if (view === 'login') return loginView();
    if (view === 'unit') await unitView(decodeURIComponent(arg));
    else if (view === 'camera') {
      if (!stopLive) await cameraView(decodeURIComponent(arg));
    } else if (view === 'incident') await incidentView(decodeURIComponent(arg));
    else if (view === 'incidents') await incidentsView();
    else if (view === 'reports') await reportsView();
    else if (view === 'map') await mapView();
    else await overviewView();
    // Pages follow the cameras by themselves; a live view is left alone while it plays.
    refreshTimer = setTimeout(route, REFRESH_MS);
  } catch (error) {
    if (error instanceof Unauthorized) {
      me = null;
      applyChrome();
      if (view !== 'login') {
        // Come back to the page that was asked for (e.g. an alert's acknowledge link) after login.
        sessionStorage.setItem('camwatch.after', location.hash);
        location.hash = '#/login';
      }
      else loginView();
      return;
    }
    show(el('p', { class: 'error', role: 'alert' }, t('error', { message: error.message })));
  }
}

document.getElementById('lang').addEventListener('click', () => {
  lang = lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('camwatch.lang', lang);
  route();
});
document.getElementById('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' }).catch(() => {});
  me = null;
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
