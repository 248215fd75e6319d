// The cameras drawn at their coordinates.
import { t, el, api, stateText, show } from '../core.js';

/** Cameras drawn at their lat/lon on a plain background: works without Internet map tiles. */
export async function mapView() {
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
