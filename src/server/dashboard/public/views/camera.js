// One camera: its state, picture, check history and live view.
import { session, t, fmtTime, fmtPct, el, api, failureName, findingName, stateBadge, thumb, show } from '../core.js';
import { incidentTable } from './incidents.js';

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
    title.textContent = `${fmtTime(c.started_at)} ${t(`status_${c.status}`)}${c.error_kind ? ' — ' + failureName(c.error_kind) : ''}${findings ? ` · ${findings}` : ''}`;
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

/** How often a viewer beyond the server's transcode budget gets a new picture. */
const PICTURE_REFRESH_MS = 5000;
/** An init segment larger than this without a codec the page knows is not a live stream. */
const MAX_INIT_BYTES = 2 * 1024 * 1024;

/**
 * Live view: fragmented MP4 from the server, played through Media Source Extensions. The page
 * asks the server what the camera streams and the browser whether it plays that (H.265 through
 * MSE needs a hardware decoder in Chromium); the server remuxes or transcodes accordingly, and
 * beyond its transcode budget the viewer gets a picture refreshed every few seconds instead.
 */
function livePlayer(cameraId, status) {
  const id = encodeURIComponent(cameraId);
  const video = el('video', { muted: true, autoplay: true, playsinline: true, 'data-testid': 'live-video' });
  video.muted = true;
  const box = el('div', {}, video);
  const controller = new AbortController();
  let refresh = null;
  const source = new MediaSource();
  video.src = URL.createObjectURL(source);
  source.addEventListener('sourceopen', async () => {
    try {
      const stream = await api(`/api/cameras/${id}/live/codec`, { signal: controller.signal }).catch((error) => {
        throw error.name === 'AbortError' ? error : new Error(t('live_error'));
      });
      const playsHevc = stream.codec === 'hevc' && MediaSource.isTypeSupported(`video/mp4; codecs="${stream.mse}"`);
      const res = await fetch(`/api/cameras/${id}/live?hevc=${playsHevc}`, { credentials: 'same-origin', signal: controller.signal });
      if (res.status === 503) {
        const body = await res.json().catch(() => ({}));
        if (body.error !== 'transcode_busy') throw new Error(t('live_busy'));
        status.textContent = t('live_transcode_busy', { seconds: PICTURE_REFRESH_MS / 1000 });
        const picture = el('img', { alt: t('live_picture'), class: 'live-picture', 'data-testid': 'live-picture' });
        const load = () => (picture.src = `/api/cameras/${id}/live/picture?at=${Date.now()}`);
        load();
        refresh = setInterval(load, PICTURE_REFRESH_MS);
        box.replaceChildren(picture);
        return;
      }
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
          const codec = avcCodec(pending) ?? (hasBox(pending, 'hvcC') ? stream.mse : null);
          if (!codec) {
            if (pending.length > MAX_INIT_BYTES) throw new Error(t('live_error'));
            continue;
          }
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
  return {
    element: box,
    stop: () => {
      controller.abort();
      clearInterval(refresh);
      status.textContent = '';
    },
  };
}

function concat(a, b) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Where a box of this type starts in the init segment (its type's offset), or -1. */
function boxAt(bytes, type) {
  const code = [...type].map((c) => c.charCodeAt(0));
  for (let i = 0; i + 8 < bytes.length; i++) {
    if (code.every((c, k) => bytes[i + k] === c)) return i;
  }
  return -1;
}

const hasBox = (bytes, type) => boxAt(bytes, type) >= 0;

/** "avc1.PPCCLL" from the avcC box of the init segment. */
function avcCodec(bytes) {
  const i = boxAt(bytes, 'avcC');
  if (i < 0) return null;
  const hex = (n) => n.toString(16).padStart(2, '0');
  return `avc1.${hex(bytes[i + 5])}${hex(bytes[i + 6])}${hex(bytes[i + 7])}`;
}

export async function cameraView(cameraId) {
  const id = encodeURIComponent(cameraId);
  const [camera, checks, incidents] = await Promise.all([api(`/api/cameras/${id}`), api(`/api/cameras/${id}/checks?limit=300`), api(`/api/incidents?camera=${id}&limit=50`)]);
  const liveStatus = el('p', { class: 'muted', role: 'status' });
  const liveBox = el('div');
  const liveButton = el('button', {
    type: 'button',
    class: 'secondary',
    'data-testid': 'live-button',
    onclick: () => {
      if (session.stopLive) {
        session.stopLive();
        session.stopLive = null;
        liveBox.replaceChildren();
        liveButton.textContent = t('live');
        return;
      }
      const player = livePlayer(cameraId, liveStatus);
      session.stopLive = player.stop;
      liveBox.replaceChildren(player.element);
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
