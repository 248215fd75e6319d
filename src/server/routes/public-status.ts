/**
 * The public status page of each commune (no login): how many of its cameras work, this month's
 * uptime and the repairs done this month, so that residents see what the cameras they help fund
 * are doing. Server-rendered HTML without script, in Vietnamese (English with ?lang=en), cacheable.
 *
 * It shows nothing that needs a login: no image, no address of any device, no coordinates, no
 * fault detail, no contractor. Only public cameras are named (with their area); a private camera
 * (owner_type other than public — household, business, school — or tagged `private` in the config)
 * is only counted, and its repairs are listed without its name or place.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { combineLines, uptimeReport } from '../../health/uptime-query.js';
import { localDay } from '../../health/calendar.js';
import { formatDate, formatNumber, formatTime, translator, type Catalogue, type Locale } from '../../i18n/index.js';
import { Inventory } from '../../inventory/inventory.js';
import { escapeMarkup as html } from '../../reports/document.js';
import { activeCameraStates } from '../../store/camera-health.js';
import { cameraIncidentsResolvedDuring } from '../../store/incidents.js';
import type { CameraRow, UnitRow } from '../../store/inventory.js';
import { calendarMonth } from '../../reports/period.js';
import { idPattern, type App, type ServerDeps } from '../context.js';

const vi = {
  index_title: 'Tình trạng camera an ninh các xã, phường',
  index_intro: 'Số liệu về hệ thống camera an ninh do Công an xã, phường quản lý, cập nhật tự động.',
  page_title: 'Camera an ninh {unit}',
  working: 'Camera đang hoạt động',
  working_note: 'Camera có hình ảnh chưa rõ vẫn được tính là đang hoạt động.',
  uptime_month: 'Tỷ lệ hoạt động tháng {month}',
  repairs_month: 'Số lần sửa chữa xong trong tháng {month}',
  no_data: 'chưa có số liệu',
  public_cameras: 'Camera ở nơi công cộng',
  public_none: 'Chưa có camera nào ở nơi công cộng.',
  private_note: 'Camera của hộ gia đình, cơ sở kinh doanh, trường học tham gia chia sẻ hình ảnh: {count} (đang hoạt động: {working}); tên và vị trí các camera này không được công khai.',
  repairs: 'Sửa chữa đã hoàn thành trong tháng {month}',
  repairs_none: 'Trong tháng chưa có sửa chữa nào.',
  private_camera: 'Camera của hộ gia đình, cơ sở kinh doanh, trường học',
  col_commune: 'Xã, phường',
  col_camera: 'Camera',
  col_area: 'Khu vực',
  col_state: 'Tình trạng',
  col_fault: 'Hư hỏng',
  col_repaired: 'Ngày sửa xong',
  col_duration: 'Thời gian khắc phục',
  hours: '{hours} giờ',
  state_working: 'Đang hoạt động',
  state_poor: 'Hình ảnh chưa rõ',
  state_down: 'Tạm ngừng hoạt động',
  state_unknown: 'Chưa kiểm tra',
  fault_offline: 'Mất kết nối',
  fault_stream: 'Mất tín hiệu hình ảnh',
  fault_settings: 'Lỗi cài đặt',
  fault_image: 'Hình ảnh chưa rõ',
  updated: 'Số liệu lúc {time}. Trang này không hiển thị hình ảnh hay vị trí camera của người dân.',
  back: '← Các xã, phường',
  not_found: 'Không có xã, phường này.',
};

export const publicStatusMessages: Catalogue<typeof vi> = {
  vi,
  en: {
    index_title: 'Security cameras by commune',
    index_intro: 'Figures on the security cameras run by the commune police, updated automatically.',
    page_title: 'Security cameras of {unit}',
    working: 'Cameras working',
    working_note: 'A camera with a poor picture still counts as working.',
    uptime_month: 'Uptime in {month}',
    repairs_month: 'Repairs completed in {month}',
    no_data: 'no data yet',
    public_cameras: 'Cameras in public places',
    public_none: 'No camera in a public place yet.',
    private_note: 'Cameras of households, businesses and schools that share their images: {count} ({working} working); their names and places are not published.',
    repairs: 'Repairs completed in {month}',
    repairs_none: 'No repair completed this month yet.',
    private_camera: 'A camera of a household, business or school',
    col_commune: 'Commune',
    col_camera: 'Camera',
    col_area: 'Area',
    col_state: 'State',
    col_fault: 'Fault',
    col_repaired: 'Repaired on',
    col_duration: 'Time to repair',
    hours: '{hours} h',
    state_working: 'Working',
    state_poor: 'Poor picture',
    state_down: 'Not working',
    state_unknown: 'Not checked yet',
    fault_offline: 'Lost connection',
    fault_stream: 'Lost video signal',
    fault_settings: 'Settings fault',
    fault_image: 'Poor picture',
    updated: 'Figures as of {time}. This page shows no image and no place of a resident’s camera.',
    back: '← All communes',
    not_found: 'There is no such commune.',
  },
};

type Key = keyof typeof vi;

/** Browsers and proxies may keep a page this long: the figures move by the hour, not the second. */
const MAX_AGE_S = 300;
/** The units that have a public page: the communes and their urban and island equivalents. */
const COMMUNE_KINDS = new Set(['commune', 'ward', 'special_zone']);
const LANGUAGE_NAMES: Record<Locale, string> = { vi: 'Tiếng Việt', en: 'English' };

const isPrivate = (camera: CameraRow) => camera.owner_type !== 'public' || (JSON.parse(camera.tags) as string[]).includes('private');
const working = (state: string) => state === 'online' || state === 'degraded';
const stateKey = (state: string): Key => (state === 'online' ? 'state_working' : state === 'degraded' ? 'state_poor' : state === 'unknown' ? 'state_unknown' : 'state_down');
const faultKey = (kind: string): Key => (kind.startsWith('image:') ? 'fault_image' : kind === 'stream_down' ? 'fault_stream' : kind === 'auth_failed' ? 'fault_settings' : 'fault_offline');

interface CommuneStatus {
  unit: UnitRow;
  month: string;
  total: number;
  working: number;
  publicCameras: { name: string; area: string; state: string }[];
  privateTotal: number;
  privateWorking: number;
  availability: number | null;
  /** a private camera's repair has no camera name and no area */
  repairs: { resolvedAt: number; kind: string; camera: string | null; area: string | null; hours: number }[];
}

/** What the public may know of one commune this month, up to `now`. */
async function communeStatus(deps: ServerDeps, inventory: Inventory, unit: UnitRow): Promise<CommuneStatus> {
  const now = deps.now();
  const month = calendarMonth(localDay(now, deps.timeZone).slice(0, 7), deps.timeZone);
  const states = new Map((await activeCameraStates(deps.db)).map((row) => [row.id, row.state]));
  const cameras = inventory.camerasUnder(unit.id).filter((camera) => camera.retired_at === null && camera.enabled === 1);
  const stateOf = (camera: CameraRow) => states.get(camera.id) ?? 'unknown';
  const open = cameras.filter((camera) => !isPrivate(camera));
  const closed = cameras.filter(isPrivate);
  const byId = new Map(cameras.map((camera) => [camera.id, camera]));
  const uptime = combineLines(await uptimeReport(deps.db, { fromDay: month.fromDay, toDay: localDay(now, deps.timeZone), unitId: unit.id, cameraIds: new Set(byId.keys()) }, 'unit'));
  return {
    unit,
    month: month.month as string,
    total: cameras.length,
    working: cameras.filter((camera) => working(stateOf(camera))).length,
    publicCameras: open
      .map((camera) => ({ name: camera.name, area: inventory.unitName(camera.unit_id), state: stateOf(camera) }))
      .sort((a, b) => a.area.localeCompare(b.area, 'vi') || a.name.localeCompare(b.name, 'vi')),
    privateTotal: closed.length,
    privateWorking: closed.filter((camera) => working(stateOf(camera))).length,
    availability: uptime.availability,
    repairs: (await cameraIncidentsResolvedDuring(deps.db, month.from, now)).flatMap((incident) => {
      const camera = byId.get(incident.camera_id ?? '');
      if (!camera) return [];
      const shown = !isPrivate(camera);
      return [{
        resolvedAt: incident.resolved_at as number,
        kind: incident.kind,
        camera: shown ? camera.name : null,
        area: shown ? inventory.unitName(camera.unit_id) : null,
        hours: ((incident.resolved_at as number) - incident.opened_at) / 3_600_000,
      }];
    }),
  };
}

const STYLE = `body{font-family:system-ui,"Segoe UI",Roboto,Arial,sans-serif;margin:0;background:#f6f7f9;color:#1d1d1f}
header{background:#0d3b66;color:#fff;padding:.7rem 1rem;display:flex;gap:1rem;align-items:center}header a{color:#fff}
main{max-width:960px;margin:0 auto;padding:1rem}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:.8rem}.card{background:#fff;border:1px solid #ddd;border-radius:10px;padding:.8rem}
.card .n{font-size:2rem;font-weight:700}table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #ddd}
th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #ddd}th{background:#eef1f5}.muted{color:#666}.spacer{flex:1}`;

/** A link to `path` in `locale`: Vietnamese is the default and needs no query. */
export const inLanguage = (path: string, locale: Locale) => (locale === 'vi' ? path : `${path}?lang=${locale}`);

/** The whole document; `path` is the page's own, for the link to it in the other language. */
export function page(locale: Locale, title: string, path: string, body: string): string {
  const other: Locale = locale === 'vi' ? 'en' : 'vi';
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${html(title)}</title><style>${STYLE}</style></head>
<body><header><strong>camwatch</strong><span class="spacer"></span><a href="${inLanguage(path, other)}" hreflang="${other}">${LANGUAGE_NAMES[other]}</a></header>
<main>${body}</main></body></html>`;
}

const table = (headers: readonly string[], rows: readonly (readonly string[])[]) =>
  `<table><thead><tr>${headers.map((h) => `<th>${html(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((cell) => `<td>${html(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;

const monthLabel = (month: string) => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

function percent(ratio: number | null, locale: Locale, t: (key: Key) => string): string {
  return ratio === null ? t('no_data') : `${formatNumber(ratio * 100, locale, 1)}%`;
}

function communePage(status: CommuneStatus, locale: Locale, deps: ServerDeps): string {
  const t = translator(publicStatusMessages, locale);
  const month = monthLabel(status.month);
  const title = t('page_title', { unit: status.unit.name });
  const repairRows = status.repairs.map((r) => [
    formatDate(r.resolvedAt, deps.timeZone),
    r.camera ?? t('private_camera'),
    r.area ?? '—',
    t(faultKey(r.kind)),
    t('hours', { hours: formatNumber(r.hours, locale, r.hours < 10 ? 1 : 0) }),
  ]);
  const body = `<p><a href="${inLanguage('/public', locale)}">${html(t('back'))}</a></p>
<h1>${html(title)}</h1>
<div class="cards">
<div class="card" data-figure="working"><div class="n">${status.working}/${status.total}</div>${html(t('working'))}</div>
<div class="card" data-figure="uptime"><div class="n">${html(percent(status.availability, locale, t))}</div>${html(t('uptime_month', { month }))}</div>
<div class="card" data-figure="repairs"><div class="n">${status.repairs.length}</div>${html(t('repairs_month', { month }))}</div>
</div>
<p class="muted">${html(t('working_note'))}</p>
<h2>${html(t('public_cameras'))}</h2>
${status.publicCameras.length ? table([t('col_area'), t('col_camera'), t('col_state')], status.publicCameras.map((c) => [c.area, c.name, t(stateKey(c.state))])) : `<p>${html(t('public_none'))}</p>`}
${status.privateTotal ? `<p>${html(t('private_note', { count: status.privateTotal, working: status.privateWorking }))}</p>` : ''}
<h2>${html(t('repairs', { month }))}</h2>
${repairRows.length ? table([t('col_repaired'), t('col_camera'), t('col_area'), t('col_fault'), t('col_duration')], repairRows) : `<p>${html(t('repairs_none'))}</p>`}
<p class="muted">${html(t('updated', { time: formatTime(deps.now(), locale, deps.timeZone) }))}</p>`;
  return page(locale, title, `/public/${encodeURIComponent(status.unit.id)}`, body);
}

function indexPage(statuses: readonly CommuneStatus[], locale: Locale, deps: ServerDeps): string {
  const t = translator(publicStatusMessages, locale);
  const month = monthLabel(statuses[0]?.month ?? localDay(deps.now(), deps.timeZone).slice(0, 7));
  const rows = statuses
    .map((s) => `<tr><td><a href="${inLanguage(`/public/${encodeURIComponent(s.unit.id)}`, locale)}">${html(s.unit.name)}</a></td><td>${s.working}/${s.total}</td><td>${html(percent(s.availability, locale, t))}</td><td>${s.repairs.length}</td></tr>`)
    .join('');
  const body = `<h1>${html(t('index_title'))}</h1><p>${html(t('index_intro'))}</p>
<table><thead><tr><th>${html(t('col_commune'))}</th><th>${html(t('working'))}</th><th>${html(t('uptime_month', { month }))}</th><th>${html(t('repairs_month', { month }))}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">${html(t('updated', { time: formatTime(deps.now(), locale, deps.timeZone) }))}</p>`;
  return page(locale, t('index_title'), '/public', body);
}

/** Public caching: a shared cache may keep the page a few minutes, and a revalidation costs a 304 when nothing changed. */
function sendCacheable(ifNoneMatch: string | undefined, reply: FastifyReply, status: number, body: string) {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  reply.headers({
    'cache-control': `public, max-age=${MAX_AGE_S}`,
    etag,
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  });
  if (status === 200 && ifNoneMatch?.split(/\s*,\s*/).includes(etag)) return reply.code(304).send();
  return reply.code(status).type('text/html; charset=utf-8').send(body);
}

const langQuery = { type: 'object', properties: { lang: { type: 'string', enum: ['vi', 'en'], default: 'vi' } } } as const;
const htmlResponse = { 200: { type: 'string' }, 304: { type: 'null' }, 404: { type: 'string' } } as const;

export function publicStatusRoutes(app: App, deps: ServerDeps) {
  const communes = (inventory: Inventory) => [...inventory.units.values()].filter((unit) => unit.retired_at === null && COMMUNE_KINDS.has(unit.kind));

  app.get<{ Querystring: { lang: Locale } }>(
    '/public',
    { config: { public: true }, schema: { tags: ['public'], summary: 'Public status of every commune (HTML, no login, cacheable)', security: [], produces: ['text/html'], querystring: langQuery, response: htmlResponse } },
    async (request, reply) => {
      const inventory = await Inventory.load(deps.db);
      const statuses = (await Promise.all(communes(inventory).map((unit) => communeStatus(deps, inventory, unit))))
        .sort((a, b) => a.unit.name.localeCompare(b.unit.name, 'vi'));
      return sendCacheable(request.headers['if-none-match'], reply, 200, indexPage(statuses, request.query.lang, deps));
    },
  );

  app.get<{ Params: { unitId: string }; Querystring: { lang: Locale } }>(
    '/public/:unitId',
    {
      config: { public: true },
      schema: {
        tags: ['public'],
        summary: "A commune's public status: cameras working, this month's uptime and repairs (HTML, no login, cacheable; no image, no private camera's name or place)",
        security: [],
        produces: ['text/html'],
        params: { type: 'object', properties: { unitId: { type: 'string', pattern: idPattern, maxLength: 100 } }, required: ['unitId'] },
        querystring: langQuery,
        response: htmlResponse,
      },
    },
    async (request, reply) => {
      const inventory = await Inventory.load(deps.db);
      const unit = communes(inventory).find((u) => u.id === request.params.unitId);
      const locale = request.query.lang;
      if (!unit) {
        const t = translator(publicStatusMessages, locale);
        return sendCacheable(undefined, reply, 404, page(locale, t('not_found'), '/public', `<h1>${html(t('not_found'))}</h1><p><a href="${inLanguage('/public', locale)}">${html(t('back'))}</a></p>`));
      }
      return sendCacheable(request.headers['if-none-match'], reply, 200, communePage(await communeStatus(deps, inventory, unit), locale, deps));
    },
  );
}
