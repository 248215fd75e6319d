// ONVIF discovery (admins): probe the LAN, list the cameras the config does not have, each with its entry to add.
import { t, fmtTime, el, api, show, table, rerender, session } from '../core.js';

/** While a probe runs, the page looks again this soon instead of at the router's next refresh. */
const POLL_MS = 700;
let poll = null;

function deviceBlock(device) {
  return el(
    'section',
    { class: 'card discovered', 'data-testid': 'discovered-device', 'data-address': `${device.host}:${device.port}` },
    el('h3', {}, `${device.label || t('discovery_unknown_device')} — ${device.host}:${device.port}`),
    el('p', { class: 'muted' }, t('discovery_addresses', { addresses: device.addresses.join(' ') })),
    el('p', {}, t('discovery_snippet', { env: device.entry.onvif.password_env })),
    el('pre', { class: 'snippet', 'data-testid': 'discovery-snippet' }, device.snippet),
  );
}

export async function discoveryView() {
  clearTimeout(poll);
  const state = await api('/api/discovery');
  const start = async (event) => {
    event.target.disabled = true;
    try {
      await api('/api/discovery', { method: 'POST', body: JSON.stringify({}) });
    } catch (error) {
      session.notice = error.message;
    }
    rerender();
  };
  if (state.running) poll = setTimeout(() => location.hash === '#/discovery' && rerender(), POLL_MS);
  const result = state.result;
  show(
    el('h1', {}, t('discovery_title')),
    el('p', { class: 'muted' }, t('discovery_note')),
    el('p', {}, el('button', { type: 'button', 'data-testid': 'discovery-start', disabled: state.running, onclick: start }, state.running ? t('discovery_running') : t('discovery_start'))),
    state.error ? el('p', { class: 'error', role: 'alert' }, t('discovery_failed', { message: state.error })) : null,
    result && state.finished_at
      ? [
          el('p', { 'data-testid': 'discovery-summary' }, t('discovery_summary', { time: fmtTime(state.finished_at), found: result.devices.length + result.known.length, known: result.known.length, fresh: result.devices.length })),
          result.ignored ? el('p', { class: 'muted', 'data-testid': 'discovery-ignored' }, t('discovery_ignored', { ignored: result.ignored })) : null,
          result.devices.length ? result.devices.map(deviceBlock) : el('p', { class: 'muted' }, t('discovery_nothing_new')),
          result.known.length
            ? [el('h2', {}, t('discovery_known')), table([t('discovery_camera'), t('discovery_address')], result.known.map((k) => el('tr', {}, el('td', {}, el('a', { href: `#/camera/${encodeURIComponent(k.cameraId)}` }, k.cameraId)), el('td', {}, k.addresses.join(' ')))))]
            : null,
        ]
      : null,
  );
}
