// The cameras on a real map (Leaflet, served by camwatch itself): coloured by state, over the
// commune boundaries the admin provides, with the black spots that need lighting. Without a tile
// source the map still draws on a plain background and says how to configure one.
import { t, el, api, stateLabel, stateText, show, session } from '../core.js';
import * as L from '../vendor/leaflet.js';

/** A camera's colour on the map: its state, or maintenance while a window covers it. Colours come from app.css. */
const STATE_COLOURS = { online: '--ok', degraded: '--warn', offline: '--bad', auth_failed: '--bad', unknown: '--muted', maintenance: '--maintenance' };
const LEGEND = ['online', 'degraded', 'offline', 'auth_failed', 'maintenance', 'unknown'];
/** Where the map opens when nothing has coordinates yet: Vietnam. */
const COUNTRY = { center: [16.0, 106.5], zoom: 5 };

/** The map of the page being shown; kept across the 5-second refreshes so that panning and zoom stay. */
let drawn = null;

const colour = (state) => getComputedStyle(document.documentElement).getPropertyValue(STATE_COLOURS[state] ?? '--muted').trim();
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function mapView() {
  const [settings, cameras] = await Promise.all([api('/api/map'), api('/api/cameras')]);
  const placed = cameras.filter((c) => c.lat !== null && c.lon !== null);
  if (!drawn || !drawn.container.isConnected || drawn.lang !== session.lang) await drawMap(settings, placed);
  drawCameras(placed, new Set(settings.maintenance));
}

async function drawMap(settings, cameras) {
  drawn?.map.remove();
  const [boundaries, spots] = await Promise.all([
    settings.boundaries ? api('/api/map/boundaries') : { features: [] },
    // the black-spot findings of the current official period, as the lighting report counts them
    api('/api/reports/lighting?format=json').then((report) => report.rows, () => []),
  ]);
  const container = el('div', { class: 'map', 'data-testid': 'map' });
  show(
    el('h1', {}, t('map_title')),
    settings.tiles ? null : el('p', { class: 'warning', 'data-testid': 'map-no-tiles' }, t('map_no_tiles')),
    cameras.length ? null : el('p', { class: 'muted' }, t('map_none')),
    el('ul', { class: 'legend' }, LEGEND.map((state) => el('li', {}, el('span', { class: `dot ${state}` }), stateLabel(state))), el('li', {}, el('span', { class: 'dot black-spot' }), t('map_black_spot'))),
    container,
  );
  const map = L.map(container, { attributionControl: true });
  map.attributionControl.setPrefix('Leaflet');
  if (settings.tiles) {
    const { url, attribution, min_zoom: minNativeZoom, max_zoom: maxNativeZoom, local } = settings.tiles;
    // Online tile servers (OpenStreetMap's among them) refuse requests without a Referer; they get
    // camwatch's origin only, never a page address.
    const referrerPolicy = local ? false : 'strict-origin';
    L.tileLayer(url, { attribution: escapeHtml(attribution), minNativeZoom, maxNativeZoom, maxZoom: Math.max(maxNativeZoom, 19), referrerPolicy }).addTo(map);
  }
  const outlines = L.geoJSON(boundaries, { style: { className: 'boundary', color: '#0d3b66', weight: 2, fillOpacity: 0.06 } });
  // the view first: Leaflet draws a layer's SVG only once the map has one
  const bounds = L.latLngBounds(cameras.map((c) => [c.lat, c.lon]));
  if (outlines.getLayers().length) bounds.extend(outlines.getBounds());
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
  else map.setView(COUNTRY.center, COUNTRY.zoom);
  outlines.addTo(map).eachLayer((layer) => {
    layer.getElement()?.setAttribute('data-unit', layer.feature.properties.unit_id ?? '');
    if (layer.feature.properties.name) layer.bindTooltip(layer.feature.properties.name, { sticky: true });
  });
  drawBlackSpots(L.layerGroup().addTo(map), cameras, spots);
  const cameraLayer = L.layerGroup().addTo(map);
  drawn = { map, container, cameraLayer, markers: new Map(), lang: session.lang };
}

/** Black spots: cameras tagged black_spot, with the nights they were too dark this period when there were any. */
function drawBlackSpots(layer, cameras, reportRows) {
  const dark = new Map(reportRows.map((row) => [row.camera_id, row]));
  for (const camera of cameras.filter((c) => c.tags.includes('black_spot') || dark.has(c.id))) {
    const row = dark.get(camera.id);
    const ring = L.circleMarker([camera.lat, camera.lon], { radius: 16, color: '#111', weight: 3, dashArray: '4 3', fill: false, className: `black-spot${row ? ' dark' : ''}` }).addTo(layer);
    ring.getElement()?.setAttribute('data-camera', camera.id);
    ring.bindTooltip(row ? t('map_black_spot_dark', { name: camera.name, nights: row.dark_nights }) : t('map_black_spot_tagged', { name: camera.name }));
  }
}

/** Markers are kept and restyled on refresh, so that a tooltip being read stays open. */
function drawCameras(cameras, maintenance) {
  const shown = new Set(cameras.map((c) => c.id));
  for (const [id, marker] of drawn.markers) {
    if (shown.has(id)) continue;
    marker.remove();
    drawn.markers.delete(id);
  }
  for (const camera of cameras) {
    const state = maintenance.has(camera.id) ? 'maintenance' : camera.state;
    let marker = drawn.markers.get(camera.id);
    if (!marker) {
      marker = L.circleMarker([camera.lat, camera.lon], { radius: 9, color: '#fff', weight: 2, fillOpacity: 1, className: 'camera-marker' }).bindTooltip('').addTo(drawn.cameraLayer);
      marker.getElement()?.setAttribute('data-camera', camera.id);
      marker.on('click', () => (location.hash = `#/camera/${encodeURIComponent(camera.id)}`));
      drawn.markers.set(camera.id, marker);
    }
    marker.setLatLng([camera.lat, camera.lon]).setStyle({ fillColor: colour(state) });
    marker.setTooltipContent(state === 'maintenance' ? `${camera.name} — ${stateLabel(state)}` : `${camera.name} — ${stateText(camera)}`);
    const path = marker.getElement();
    path?.classList.remove(...[...path.classList].filter((name) => name.startsWith('state-')));
    path?.classList.add(`state-${state}`);
  }
}
