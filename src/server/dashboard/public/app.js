// camwatch dashboard: a small single-page app over the authenticated JSON API. No framework:
// each view is a module in views/ with a function that fetches what it shows and renders plain DOM.
import { api, el, session, show, t, Unauthorized } from './core.js';
import { cameraView } from './views/camera.js';
import { incidentsView, incidentView } from './views/incidents.js';
import { loginView } from './views/login.js';
import { mapView } from './views/map.js';
import { overviewView, unitView } from './views/overview.js';
import { reportsView } from './views/reports.js';
import { usersView } from './views/users.js';
import { discoveryView } from './views/discovery.js';
import { registrationsView } from './views/registrations.js';
import { maintenanceView } from './views/maintenance.js';

const REFRESH_MS = 5000;
let refreshTimer = null;
/** Counts routings: only the latest one schedules a refresh (a login routes twice at once, by hash and by call). */
let routings = 0;

// ---------- shell ----------

function applyChrome() {
  document.documentElement.lang = session.lang;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  document.getElementById('lang').textContent = session.lang === 'vi' ? 'English' : 'Tiếng Việt';
  document.getElementById('nav').hidden = !session.me;
  for (const link of document.querySelectorAll('[data-admin-only]')) link.hidden = session.me?.role !== 'admin';
  for (const link of document.querySelectorAll('[data-police-only]')) link.hidden = !['admin', 'commune_chief'].includes(session.me?.role);
  document.getElementById('logout').hidden = !session.me;
  document.getElementById('who').textContent = session.me ? session.me.name : '';
}

async function route() {
  clearTimeout(refreshTimer);
  const routing = ++routings;
  const hash = location.hash || '#/';
  const [, view, arg] = hash.split('/');
  if (session.stopLive && view !== 'camera') {
    session.stopLive();
    session.stopLive = null;
  }
  try {
    if (!session.me && view !== 'login') session.me = await api('/api/me');
    if (!session.timeZone && view !== 'login') ({ timeZone: session.timeZone, kinds: session.reports } = await api('/api/reports'));
    applyChrome();
    if (view === 'login') return loginView();
    if (view === 'unit') await unitView(decodeURIComponent(arg));
    else if (view === 'camera') {
      if (!session.stopLive) await cameraView(decodeURIComponent(arg));
    } else if (view === 'incident') await incidentView(decodeURIComponent(arg));
    else if (view === 'incidents') await incidentsView();
    else if (view === 'reports') await reportsView();
    else if (view === 'map') await mapView();
    else if (view === 'users') return await usersView(); // not refreshed: a form being filled is not redrawn
    else if (view === 'discovery') await discoveryView();
    else if (view === 'registrations') await registrationsView();
    else if (view === 'maintenance') return await maintenanceView(); // not refreshed: a visit being logged is not redrawn
    else await overviewView();
    // Pages follow the cameras by themselves; a live view is left alone while it plays.
    if (routing === routings) refreshTimer = setTimeout(route, REFRESH_MS);
  } catch (error) {
    if (error instanceof Unauthorized) {
      session.me = null;
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
  session.lang = session.lang === 'vi' ? 'en' : 'vi';
  localStorage.setItem('camwatch.lang', session.lang);
  route();
});
document.getElementById('logout').addEventListener('click', async () => {
  await api('/api/logout', { method: 'POST' }).catch(() => {});
  session.me = null;
  location.hash = '#/login';
});
session.route = route;
window.addEventListener('hashchange', route);
route();
