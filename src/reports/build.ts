/**
 * Report queries. Each report is a table (typed columns, raw values) plus summary lines and
 * notes; the exporters (CSV, XLSX, A4 HTML, JSON) only format it. Values stay raw here:
 * fractions for percentages, epoch ms for times, so every format renders them its own way.
 */
import type { Engine } from '../store/db.js';
import { combineLines, uptimeReport, type GroupBy, type UptimeLine } from '../health/uptime-query.js';
import { UPTIME_RULE } from '../health/uptime.js';
import { isContractorKind, slaReport } from '../health/sla.js';
import { addDays, localDay } from '../health/calendar.js';
import { uptimeTotals } from '../store/uptime.js';
import { fill, formatNumber, translator, type Locale } from '../i18n/index.js';
import { reportMessages } from './messages.js';
import { PeriodError, previousPeriod, type Period } from './period.js';
import { Inventory } from '../inventory/inventory.js';
import type { CameraRow } from '../store/inventory.js';
import { incidentsDuring, openImageIncidents, openIncidentsByAge, type Incident } from '../store/incidents.js';
import { badImageChecks, darkChecks } from '../store/checks.js';
import { findVisits } from '../store/maintenance-visits.js';
import { needsVisit, parseTasks, upkeep } from '../health/upkeep.js';

export const REPORT_KINDS = ['uptime', 'incidents', 'history', 'overdue', 'images', 'lighting', 'sla', 'coverage', 'maintenance'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type ColumnType = 'text' | 'integer' | 'decimal' | 'percent' | 'datetime' | 'boolean';
export interface Column {
  key: string;
  header: string;
  type: ColumnType;
  /** decimals of a 'decimal' column (default 2): coordinates take 5, about 1 m */
  decimals?: number | undefined;
}

/** Decimals of a column's numbers as printed. */
export function columnDecimals(column: Column): number {
  return column.decimals ?? 2;
}
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** A chart printed with the table: bars for the lines, columns for the days (or months) of the period. */
export interface Chart {
  kind: 'bars' | 'columns';
  title: string;
  /** fractions, like percent cells; null where nothing is known */
  points: { label: string; value: number | null }[];
}

export interface Report {
  kind: ReportKind;
  locale: Locale;
  title: string;
  period: Period;
  periodLabel: string;
  filters: string[];
  generatedAt: number;
  timeZone: string;
  columns: Column[];
  rows: Row[];
  /** the total row, printed under the table (A4, PDF, XLSX); not a data row */
  totals?: Row | undefined;
  /** printed above the table (A4, PDF) */
  charts?: Chart[] | undefined;
  summary: string[];
  /** printed with the summary, before the table: how uptime is counted */
  notes: string[];
}

/** The part of a report each kind builds: its title, columns, rows and summary lines. */
type ReportBody = Pick<Report, 'title' | 'columns' | 'rows' | 'summary' | 'totals' | 'charts'>;

export interface ReportOptions {
  kind: ReportKind;
  period: Period;
  groupBy?: GroupBy | undefined;
  unitId?: string | undefined;
  contractorId?: string | undefined;
  ownerType?: string | undefined;
  /** a user's scope: only these cameras / units */
  cameraIds?: ReadonlySet<string> | undefined;
  unitIds?: ReadonlySet<string> | undefined;
  /** grouped (unit) and server-wide incidents; off for contractors, whose scope is cameras only */
  includeGroupIncidents?: boolean | undefined;
  locale?: Locale | undefined;
  timeZone?: string | undefined;
  /** for the uptime rule: how long a check's result holds */
  holdMinutes?: number | undefined;
  now?: number | undefined;
}

const HOUR = 3_600_000;

export type Translate = ReturnType<typeof translator<typeof reportMessages.vi>>;

/** "Hình ảnh: mờ", "Mất kết nối", … */
export function incidentKindLabel(kind: string, t: Translate): string {
  if (kind.startsWith('image:')) return t('kind_image', { what: findingLabel(kind.slice(6), t) });
  if (kind.startsWith('area_image_')) return t('kind_image', { what: findingLabel(kind.slice('area_image_'.length), t) });
  const key = `kind_${kind}` as Parameters<Translate>[0];
  return key in reportMessages.vi ? t(key) : kind;
}

export function findingLabel(kind: string, t: Translate): string {
  const key = `finding_${kind}` as Parameters<Translate>[0];
  return key in reportMessages.vi ? t(key) : kind;
}

export function ownerTypeLabel(type: string, t: Translate): string {
  const key = `owner_${type}` as Parameters<Translate>[0];
  return key in reportMessages.vi ? t(key) : type;
}

/** dd/mm/yyyy for prose (the period line); data cells keep ISO. */
function dmy(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

export function periodLabel(period: Period, t: Translate): string {
  const from = dmy(period.fromDay);
  const to = dmy(period.toDay);
  const named = period.name?.slice(0, 4) ?? '';
  switch (period.kind) {
    case 'quarter':
      return t('period_quarter', { quarter: Number(period.name?.slice(6)), year: named, from, to });
    case 'half':
      return t(period.name?.endsWith('H2') ? 'period_half_2' : 'period_half_1', { year: named, from, to });
    case 'year':
      return t('period_year', { year: named, from, to });
    default:
      break;
  }
  if (period.kind === 'range' || !period.month) return t('period_range', { from, to });
  const [year, month] = period.month.split('-');
  return t(period.kind === 'official' ? 'period_official' : 'period_month', { month: Number(month), year: year ?? '', from, to });
}

/** Keys that say "none" in a sentence of their own ("Không có camera nào …", never "0 camera …"). */
type CountKey = 'summary_maintenance' | 'summary_incidents' | 'summary_overdue' | 'summary_images' | 'summary_lighting' | 'summary_sla' | 'history_opened' | 'history_resolved' | 'history_open' | 'broken';

/** The sentence for a count: `key` with {count}, or `key_none` when there is none. */
export function countText(t: Translate, key: CountKey, count: number, locale: Locale, params: Record<string, string> = {}): string {
  return count ? t(key, { ...params, count: formatNumber(count, locale) }) : t(`${key}_none`, params);
}

export function percentText(value: number | null, locale: Locale, t: Translate): string {
  return value === null ? t('no_data') : `${formatNumber(value * 100, locale, 1)}%`;
}

class Context {
  readonly t: Translate;
  readonly inventory: Inventory;
  readonly cameras: CameraRow[];
  private readonly subtree: Set<string> | undefined;

  static async load(db: Engine, options: ReportOptions): Promise<Context> {
    return new Context(db, options, await Inventory.load(db));
  }

  private constructor(
    readonly db: Engine,
    readonly options: ReportOptions,
    inventory: Inventory,
  ) {
    this.t = translator(reportMessages, options.locale ?? 'vi');
    this.inventory = inventory;
    this.subtree = options.unitId ? this.inventory.subtree(options.unitId) : undefined;
    this.cameras = [...this.inventory.cameras.values()].filter((c) => this.matches(c));
  }

  /** The filters and the user's scope, applied to one camera. */
  matches(c: CameraRow): boolean {
    const o = this.options;
    return (
      (!o.cameraIds || o.cameraIds.has(c.id)) &&
      (!this.subtree || this.subtree.has(c.unit_id)) &&
      (!o.contractorId || c.contractor_id === o.contractorId) &&
      (!o.ownerType || c.owner_type === o.ownerType)
    );
  }

  get cameraIdSet(): Set<string> {
    return new Set(this.cameras.map((c) => c.id));
  }

  camera(id: string | null): CameraRow | undefined {
    return id ? this.cameras.find((c) => c.id === id) : undefined;
  }

  unitName(id: string | null | undefined): string {
    return id ? this.inventory.unitName(id) : '';
  }

  contractorName(id: string | null | undefined): string {
    return id ? this.inventory.contractorName(id) : '';
  }

  col(key: string, type: ColumnType, headerKey?: string, decimals?: number): Column {
    return { key, type, header: this.t((headerKey ?? `col_${key}`) as Parameters<Translate>[0]), ...(decimals === undefined ? {} : { decimals }) };
  }

  /** The official code of a unit ("21952"), the only key of a unit an official knows. */
  unitCode(id: string): string {
    return this.inventory.units.get(id)?.code ?? '';
  }
}

const KEY_COLUMNS: Record<GroupBy, (ctx: Context) => Column[]> = {
  unit: (ctx) => [ctx.col('code', 'text')],
  camera: (ctx) => [ctx.col('key', 'text', 'col_camera_id')],
  contractor: () => [],
  owner_type: () => [],
};

/** The period before, when there is one camwatch could hold data for. */
function periodBefore(period: Period, timeZone: string): Period | undefined {
  try {
    return previousPeriod(period, timeZone);
  } catch (error) {
    if (error instanceof PeriodError) return undefined;
    throw error;
  }
}

/** A percentage as printed, to one decimal: the change between two is told from these, so it adds up on paper. */
const printedPercent = (fraction: number) => Math.round(fraction * 1000) / 10;

/** "tăng 3,1 điểm so với kỳ trước", "giảm …", "không đổi …", or that the period before has no data. */
function changeText(now: number | null, before: number | null, locale: Locale, t: Translate): string {
  if (now === null || before === null) return t('change_unknown');
  const points = Math.round((printedPercent(now) - printedPercent(before)) * 10) / 10;
  if (points === 0) return t('change_same');
  return t(points > 0 ? 'change_up' : 'change_down', { points: formatNumber(Math.abs(points), locale, 1) });
}

/** "toàn xã", "toàn tỉnh": the unit the report covers, by its kind. */
function scopeText(ctx: Context): string {
  const roots = [...ctx.inventory.units.values()].filter((u) => u.parent_id === null && u.retired_at === null);
  const unit = ctx.options.unitId ? ctx.inventory.units.get(ctx.options.unitId) : roots.length === 1 ? roots[0] : undefined;
  return unit ? ctx.t('scope_unit', { unit: ctx.t(`unit_${unit.kind}` as Parameters<Translate>[0]) }) : ctx.t('scope_all');
}

/** More lines than this make bars too thin to read: the table says it all. */
const MAX_BARS = 40;
/** A longer period is charted month by month. */
const MAX_DAY_COLUMNS = 62;

/** Availability of the cameras in scope over the period, day by day (month by month for a long period). */
async function uptimeSeries(ctx: Context, period: Period): Promise<{ monthly: boolean; points: Chart['points'] }> {
  const ids = new Set(ctx.cameras.filter((c) => c.retired_at === null).map((c) => c.id));
  const days: string[] = [];
  for (let day = period.fromDay; day <= period.toDay; day = addDays(day, 1)) days.push(day);
  const monthly = days.length > MAX_DAY_COLUMNS;
  const keyOf = (day: string) => (monthly ? day.slice(0, 7) : day);
  const sums = new Map(days.map((day) => [keyOf(day), { known: 0, up: 0 }]));
  // Summed by the database: a row a day or month, not one per camera and day or month.
  for (const row of await uptimeTotals(ctx.db, period.fromDay, period.toDay, monthly ? 'month' : 'day', ids)) sums.set(row.key, row);
  const points = [...sums.entries()].map(([key, sum]) => ({
    label: monthly ? `${key.slice(5, 7)}/${key.slice(0, 4)}` : `${key.slice(8, 10)}/${key.slice(5, 7)}`,
    value: sum.known > 0 ? sum.up / sum.known : null,
  }));
  return { monthly, points };
}

async function uptime(ctx: Context, timeZone: string, now: number): Promise<ReportBody> {
  const { options, t } = ctx;
  const groupBy = options.groupBy ?? 'unit';
  const query = async (period: Period): Promise<UptimeLine[]> =>
    await uptimeReport(
      ctx.db,
      { fromDay: period.fromDay, toDay: period.toDay, unitId: options.unitId, contractorId: options.contractorId, ownerType: options.ownerType, cameraIds: ctx.cameraIdSet },
      groupBy,
      ctx.inventory,
    );
  const previous = periodBefore(options.period, timeZone);
  // Independent reads: on PostgreSQL they run on separate pooled connections at once (a province's
  // year report waits for the slowest instead of their sum); SQLite runs them one after another.
  const [lines, linesBefore, series] = await Promise.all([query(options.period), previous ? query(previous) : [], uptimeSeries(ctx, options.period)]);
  const before = new Map(linesBefore.map((line) => [line.key, line]));
  const change = (a: number | null, b: number | null | undefined) => (a === null || b === null || b === undefined ? null : Math.round((printedPercent(a) - printedPercent(b)) * 10) / 10);
  // the figures of a line, or of the whole (the total row)
  const figures = (line: UptimeLine, previousLine: UptimeLine | undefined) => ({
    cameras: line.cameras,
    availability: line.availability,
    previous_availability: previousLine?.availability ?? null,
    availability_change: change(line.availability, previousLine?.availability),
    image_ok: line.imageOk,
    known_hours: line.knownMs / HOUR,
    down_hours: (line.knownMs - line.upMs) / HOUR,
    maintenance_hours: line.maintenanceMs / HOUR,
    checks: line.checks,
    failures: line.failures,
  });
  // By unit, a ranking: the best first, equal figures share a rank, units without data come last unranked.
  const ranked = groupBy === 'unit' ? [...lines].sort((a, b) => (b.availability ?? -1) - (a.availability ?? -1) || a.name.localeCompare(b.name)) : lines;
  const rankOf = (line: UptimeLine) => (line.availability === null ? null : 1 + ranked.filter((other) => other.availability !== null && printedPercent(other.availability) > printedPercent(line.availability as number)).length);
  const rows = ranked.map((line) => ({
    key: line.key,
    ...(groupBy === 'unit' ? { rank: rankOf(line), code: ctx.unitCode(line.key) } : {}),
    name: groupBy === 'owner_type' ? ownerTypeLabel(line.name, t) : line.name,
    ...figures(line, before.get(line.key)),
  }));
  const total = combineLines(lines);
  const totalBefore = combineLines(before.values());
  const availability = total.availability;
  const locale = options.locale ?? 'vi';
  // cameras with a fault still open now, whatever the period: what is broken and not yet repaired
  const visible = ctx.cameraIdSet;
  const broken = new Set((await openIncidentsByAge(ctx.db)).flatMap((i) => (i.camera_id && visible.has(i.camera_id) && i.opened_at <= now ? [i.camera_id] : []))).size;
  return {
    title: t(`title_uptime_${groupBy}`),
    // Rows keep their machine key (JSON); what is printed is a code people use: a camera's id,
    // a unit's official code. Contractors and owner types are known by their names only.
    columns: [
      ...(groupBy === 'unit' ? [ctx.col('rank', 'integer')] : []),
      ...KEY_COLUMNS[groupBy](ctx),
      ctx.col('name', 'text', `col_name_${groupBy}`),
      ctx.col('cameras', 'integer'),
      ctx.col('availability', 'percent'),
      ctx.col('previous_availability', 'percent'),
      ctx.col('availability_change', 'decimal', undefined, 1),
      ctx.col('image_ok', 'percent'),
      ctx.col('known_hours', 'decimal'),
      ctx.col('down_hours', 'decimal'),
      ctx.col('maintenance_hours', 'decimal'),
      ctx.col('checks', 'integer'),
      ctx.col('failures', 'integer'),
    ],
    rows,
    totals: { name: t('total'), ...figures(total, totalBefore) },
    charts: [
      ...(rows.length > 1 && rows.length <= MAX_BARS ? [{ kind: 'bars' as const, title: t('chart_lines', { title: t(`title_uptime_${groupBy}`) }), points: rows.map((row) => ({ label: row.name, value: row.availability })) }] : []),
      ...(series.points.length > 1 ? [{ kind: 'columns' as const, title: t(series.monthly ? 'chart_months' : 'chart_days'), points: series.points }] : []),
    ],
    summary: [
      // a paragraph ready for the body of a báo cáo
      t('summary_uptime', {
        scope: scopeText(ctx),
        cameras: formatNumber(total.cameras, locale),
        availability: percentText(availability, locale, t),
        change: changeText(availability, totalBefore.availability, locale, t),
        imageOk: percentText(total.imageOk, locale, t),
        broken: countText(t, 'broken', broken, locale),
      }),
    ],
  };
}

/** The incidents a report may show: camera incidents of the cameras in scope; grouped and server-wide ones only without camera filters, within the unit scope. */
function inScope(ctx: Context, list: readonly Incident[]): Incident[] {
  const { options } = ctx;
  const visible = ctx.cameraIdSet;
  const unitsInScope = options.unitIds;
  const subtree = options.unitId ? ctx.inventory.subtree(options.unitId) : undefined;
  return list.filter((i) => {
    if (i.camera_id) return visible.has(i.camera_id);
    if (options.includeGroupIncidents === false || options.contractorId || options.ownerType || (options.cameraIds && !unitsInScope)) return false;
    if (i.unit_id) return (!unitsInScope || unitsInScope.has(i.unit_id)) && (!subtree || subtree.has(i.unit_id));
    return !unitsInScope && !subtree;
  });
}

/** What every incident list shows of an incident: where, what, since when, who acknowledged it, whose to repair. */
function incidentCells(ctx: Context, i: Incident) {
  const camera = ctx.camera(i.camera_id);
  return {
    incident: i.id,
    camera_id: i.camera_id ?? '',
    camera: camera?.name ?? '',
    unit: ctx.unitName(camera?.unit_id ?? i.unit_id),
    kind: incidentKindLabel(i.kind, ctx.t),
    opened_at: i.opened_at,
    acknowledged_at: i.acknowledged_at,
    acknowledged_by: i.acknowledged_by ?? '',
    contractor: ctx.contractorName(i.contractor_id),
  };
}

const INCIDENT_COLUMNS = ['incident', 'camera_id', 'camera', 'unit', 'kind', 'opened_at'] as const;
const INCIDENT_TYPES: Record<(typeof INCIDENT_COLUMNS)[number], ColumnType> = { incident: 'integer', camera_id: 'text', camera: 'text', unit: 'text', kind: 'text', opened_at: 'datetime' };

async function incidents(ctx: Context, now: number): Promise<ReportBody> {
  const { t, options } = ctx;
  const list = inScope(ctx, await openIncidentsByAge(ctx.db));
  const rows = list.map((i) => ({ ...incidentCells(ctx, i), hours_open: (now - i.opened_at) / HOUR, detail: i.detail ?? '' }));
  return {
    title: t('title_incidents'),
    columns: [
      ...INCIDENT_COLUMNS.map((key) => ctx.col(key, INCIDENT_TYPES[key])),
      ctx.col('hours_open', 'decimal'),
      ctx.col('acknowledged_at', 'datetime'),
      ctx.col('acknowledged_by', 'text'),
      ctx.col('contractor', 'text'),
      ctx.col('detail', 'text'),
    ],
    rows,
    summary: [countText(t, 'summary_incidents', rows.length, options.locale ?? 'vi', { unacked: formatNumber(list.filter((i) => i.acknowledged_at === null).length, options.locale ?? 'vi') })],
  };
}

/** Every incident of the period: opened in it, closed in it, or open across it; with how long each lasted. */
async function history(ctx: Context, now: number): Promise<ReportBody> {
  const { t, options } = ctx;
  const locale = options.locale ?? 'vi';
  const { from, to } = options.period;
  const list = inScope(ctx, await incidentsDuring(ctx.db, from, to));
  const rows = list.map((i) => ({
    ...incidentCells(ctx, i),
    resolved_at: i.resolved_at,
    duration_hours: ((i.resolved_at ?? now) - i.opened_at) / HOUR,
    status: i.resolved_at === null ? t('status_open') : t('status_resolved'),
  }));
  const count = (key: 'history_opened' | 'history_resolved' | 'history_open', test: (i: Incident) => boolean) => countText(t, key, list.filter(test).length, locale);
  return {
    title: t('title_history'),
    columns: [
      ...INCIDENT_COLUMNS.map((key) => ctx.col(key, INCIDENT_TYPES[key])),
      ctx.col('acknowledged_at', 'datetime'),
      ctx.col('resolved_at', 'datetime'),
      ctx.col('duration_hours', 'decimal', undefined, 1),
      ctx.col('status', 'text'),
      ctx.col('contractor', 'text'),
    ],
    rows,
    summary: [
      t('summary_history', {
        total: formatNumber(list.length, locale),
        opened: count('history_opened', (i) => i.opened_at >= from),
        resolved: count('history_resolved', (i) => i.resolved_at !== null && i.resolved_at < to),
        open: count('history_open', (i) => i.resolved_at === null || i.resolved_at >= to),
      }),
    ],
  };
}

/**
 * Repairs overdue now: each camera whose fault, the contractor's to repair, has been open longer
 * than the contract allows — with the contractor, the contract's reference, the deadline and the
 * hours past it, longest first.
 */
async function overdue(ctx: Context, now: number): Promise<ReportBody> {
  const { t, options } = ctx;
  const locale = options.locale ?? 'vi';
  const visible = ctx.cameraIdSet;
  const rows = (await openIncidentsByAge(ctx.db))
    .flatMap((i) => {
      const contractor = i.contractor_id ? ctx.inventory.contractors.get(i.contractor_id) : undefined;
      if (!i.camera_id || !visible.has(i.camera_id) || !contractor || !isContractorKind(i.kind)) return [];
      const deadline = i.opened_at + contractor.repair_hours * HOUR;
      if (now <= deadline) return [];
      const camera = ctx.camera(i.camera_id);
      return [
        {
          incident: i.id,
          camera_id: i.camera_id,
          camera: camera?.name ?? i.camera_id,
          unit: ctx.unitName(camera?.unit_id),
          kind: incidentKindLabel(i.kind, t),
          contractor: contractor.name,
          contract_ref: contractor.contract_ref ?? '',
          opened_at: i.opened_at,
          deadline,
          hours_overdue: (now - deadline) / HOUR,
        },
      ];
    })
    .sort((a, b) => b.hours_overdue - a.hours_overdue);
  return {
    title: t('title_overdue'),
    columns: [
      ctx.col('incident', 'integer'),
      ctx.col('camera_id', 'text'),
      ctx.col('camera', 'text'),
      ctx.col('unit', 'text'),
      ctx.col('kind', 'text'),
      ctx.col('contractor', 'text'),
      ctx.col('contract_ref', 'text'),
      ctx.col('opened_at', 'datetime'),
      ctx.col('deadline', 'datetime'),
      ctx.col('hours_overdue', 'decimal', undefined, 1),
    ],
    rows,
    summary: [countText(t, 'summary_overdue', new Set(rows.map((r) => r.camera_id)).size, locale)],
  };
}

function parseFindings(text: string | null): string[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

async function images(ctx: Context): Promise<ReportBody> {
  const { t, options } = ctx;
  const { from, to } = options.period;
  const bad = await badImageChecks(ctx.db, from, to);
  const open = await openImageIncidents(ctx.db);
  const byCamera = new Map<string, { count: number; kinds: Map<string, number>; last: number | null }>();
  const entry = (id: string) => {
    let found = byCamera.get(id);
    if (!found) byCamera.set(id, (found = { count: 0, kinds: new Map(), last: null }));
    return found;
  };
  const visible = ctx.cameraIdSet;
  for (const check of bad) {
    if (!visible.has(check.camera_id)) continue;
    const e = entry(check.camera_id);
    e.count++;
    e.last = check.started_at;
    for (const kind of parseFindings(check.findings)) if (kind !== 'lighting_recommendation') e.kinds.set(kind, (e.kinds.get(kind) ?? 0) + 1);
  }
  const openKind = new Map(open.filter((i) => visible.has(i.camera_id)).map((i) => [i.camera_id, i.kind]));
  for (const id of openKind.keys()) entry(id);
  const rows = [...byCamera.entries()]
    .map(([id, e]) => {
      const camera = ctx.camera(id);
      const kinds = [...e.kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => findingLabel(k, t));
      const incident = openKind.get(id);
      return {
        camera_id: id,
        camera: camera?.name ?? id,
        unit: ctx.unitName(camera?.unit_id),
        owner_type: ownerTypeLabel(camera?.owner_type ?? '', t),
        bad_checks: e.count,
        findings: kinds.join(', '),
        open_incident: incident ? incidentKindLabel(incident, t) : '',
        last_at: e.last,
      };
    })
    .sort((a, b) => b.bad_checks - a.bad_checks || a.camera_id.localeCompare(b.camera_id));
  return {
    title: t('title_images'),
    columns: [
      ctx.col('camera_id', 'text'),
      ctx.col('camera', 'text'),
      ctx.col('unit', 'text'),
      ctx.col('owner_type', 'text'),
      ctx.col('bad_checks', 'integer'),
      ctx.col('findings', 'text'),
      ctx.col('open_incident', 'text'),
      ctx.col('last_at', 'datetime'),
    ],
    rows,
    summary: [countText(t, 'summary_images', rows.length, options.locale ?? 'vi')],
  };
}

function localHour(at: number, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(at));
}

/** 5 decimals of a degree: about 1 m, enough to find the pole (2 decimals are about 1 km off). */
const COORDINATE_DECIMALS = 5;

/** Black spots: cameras tagged black_spot whose night frames were dark or drew a lighting recommendation. */
async function lighting(ctx: Context, timeZone: string): Promise<ReportBody> {
  const { t, options } = ctx;
  const spots = ctx.cameras.filter((c) => parseFindings(c.tags).includes('black_spot') && c.retired_at === null);
  const rows = (
    await Promise.all(
      spots.map(async (camera) => {
      const hits = (await darkChecks(ctx.db, camera.id, options.period.from, options.period.to)).filter((check) => {
        const kinds = parseFindings(check.findings);
        const hour = localHour(check.started_at, timeZone);
        return kinds.includes('lighting_recommendation') || (kinds.includes('dark') && (hour >= 18 || hour < 6));
      });
      // a night belongs to the evening's day: 02:00 on the 6th is the night of the 5th
      const nights = new Set(hits.map((h) => localDay(h.started_at - 6 * HOUR, timeZone)));
      return {
        camera_id: camera.id,
        camera: camera.name,
        unit: ctx.unitName(camera.unit_id),
        location: camera.location,
        lat: camera.lat,
        lon: camera.lon,
        dark_checks: hits.length,
        dark_nights: nights.size,
        last_at: hits.at(-1)?.started_at ?? null,
        recommendation: t('recommend_lighting'),
      };
      }),
    )
  )
    .filter((row) => row.dark_checks > 0)
    .sort((a, b) => b.dark_nights - a.dark_nights || b.dark_checks - a.dark_checks);
  return {
    title: t('title_lighting'),
    columns: [
      ctx.col('camera_id', 'text'),
      ctx.col('camera', 'text'),
      ctx.col('unit', 'text'),
      ctx.col('location', 'text'),
      ctx.col('lat', 'decimal', undefined, COORDINATE_DECIMALS),
      ctx.col('lon', 'decimal', undefined, COORDINATE_DECIMALS),
      ctx.col('dark_checks', 'integer'),
      ctx.col('dark_nights', 'integer'),
      ctx.col('last_at', 'datetime'),
      ctx.col('recommendation', 'text'),
    ],
    rows,
    summary: [countText(t, 'summary_lighting', rows.length, options.locale ?? 'vi')],
  };
}

async function sla(ctx: Context, now: number): Promise<ReportBody> {
  const { t, options } = ctx;
  const visible = ctx.cameraIdSet;
  const lines = (await slaReport(ctx.db, options.period.from, options.period.to, now, options.contractorId)).filter((l) => visible.has(l.cameraId));
  const by = new Map<string, typeof lines>();
  for (const line of lines) by.set(line.contractorId, [...(by.get(line.contractorId) ?? []), line]);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const rows = [...by.entries()]
    .map(([id, list]) => {
      const repaired = list.filter((l) => l.repairHours !== null);
      const openOverdue = list.filter((l) => l.repairHours === null && l.repairBreached).length;
      // An incident still open within its limit has no outcome yet: it counts neither way.
      const decided = repaired.length + openOverdue;
      return {
        key: id,
        contractor: ctx.contractorName(id),
        incidents: list.length,
        ack_limit: list[0]?.acknowledgeLimit ?? null,
        repair_limit: list[0]?.repairLimit ?? null,
        ack_late: list.filter((l) => l.acknowledgeBreached).length,
        repair_late: repaired.filter((l) => l.repairBreached).length,
        still_open: list.filter((l) => l.repairHours === null).length,
        open_overdue: openOverdue,
        mean_ack_hours: mean(list.flatMap((l) => (l.acknowledgeHours === null ? [] : [l.acknowledgeHours]))),
        mean_repair_hours: mean(repaired.map((l) => l.repairHours as number)),
        repair_on_time: decided ? repaired.filter((l) => !l.repairBreached).length / decided : null,
      };
    })
    .sort((a, b) => (a.repair_on_time ?? 2) - (b.repair_on_time ?? 2));
  return {
    title: t('title_sla'),
    columns: [
      ctx.col('contractor', 'text'),
      ctx.col('incidents', 'integer'),
      ctx.col('ack_limit', 'decimal'),
      ctx.col('repair_limit', 'decimal'),
      ctx.col('ack_late', 'integer'),
      ctx.col('repair_late', 'integer'),
      ctx.col('still_open', 'integer'),
      ctx.col('open_overdue', 'integer'),
      ctx.col('mean_ack_hours', 'decimal'),
      ctx.col('mean_repair_hours', 'decimal'),
      ctx.col('repair_on_time', 'percent'),
    ],
    rows,
    summary: [countText(t, 'summary_sla', lines.length, options.locale ?? 'vi', { late: formatNumber(lines.filter((l) => l.repairBreached).length, options.locale ?? 'vi') })],
  };
}

const COVERAGE_KINDS = new Set(['commune', 'ward', 'special_zone', 'district', 'city']);

/** Cameras per 1,000 residents and per km² for every unit that has population or area (and every commune or ward). */
function coverage(ctx: Context): ReportBody {
  const { t, options } = ctx;
  const locale = options.locale ?? 'vi';
  const active = ctx.cameras.filter((c) => c.retired_at === null);
  const rootSubtree = options.unitId ? ctx.inventory.subtree(options.unitId) : undefined;
  const rows = [...ctx.inventory.units.values()]
    .filter((u) => (!options.unitIds || options.unitIds.has(u.id)) && (!rootSubtree || rootSubtree.has(u.id)))
    .filter((u) => u.population !== null || u.area_km2 !== null || COVERAGE_KINDS.has(u.kind))
    .map((u) => {
      const subtree = ctx.inventory.subtree(u.id);
      const cams = active.filter((c) => subtree.has(c.unit_id));
      const count = cams.length;
      return {
        code: u.code ?? '',
        name: u.name,
        unit_kind: t(`unit_${u.kind}` as Parameters<Translate>[0]),
        population: u.population,
        area: u.area_km2,
        cameras: count,
        public_cameras: cams.filter((c) => c.owner_type === 'public').length,
        per_1000: u.population ? (count * 1000) / u.population : null,
        per_km2: u.area_km2 ? count / u.area_km2 : null,
      };
    })
    .sort((a, b) => (a.per_1000 ?? Infinity) - (b.per_1000 ?? Infinity) || (a.per_km2 ?? Infinity) - (b.per_km2 ?? Infinity) || a.name.localeCompare(b.name));
  const thinnest = rows.filter((r) => r.per_1000 !== null).slice(0, 3).map((r) => `${r.name} (${formatNumber(r.per_1000 as number, locale, 2)})`);
  return {
    title: t('title_coverage'),
    columns: [
      ctx.col('code', 'text'),
      ctx.col('name', 'text', 'col_unit'),
      ctx.col('unit_kind', 'text'),
      ctx.col('population', 'integer'),
      ctx.col('area', 'decimal'),
      ctx.col('cameras', 'integer'),
      ctx.col('public_cameras', 'integer'),
      ctx.col('per_1000', 'decimal'),
      ctx.col('per_km2', 'decimal'),
    ],
    rows,
    summary: [t('summary_coverage', { cameras: formatNumber(active.length, locale), units: thinnest.join(', ') || '—' })],
  };
}

/**
 * Routine maintenance per contractor: its schedule, the visits made in the period, and the cameras
 * due or overdue now (a task past its interval, or a degrading picture: src/health/upkeep.ts).
 */
async function maintenance(ctx: Context, now: number): Promise<ReportBody> {
  const { t, options } = ctx;
  const locale = options.locale ?? 'vi';
  const visible = ctx.cameraIdSet;
  const visits = (await findVisits(ctx.db, { from: options.period.from, to: options.period.to })).filter((v) => visible.has(v.camera_id));
  const lines = (await upkeep(ctx.db, now, ctx.inventory)).filter((l) => visible.has(l.cameraId));
  const taskNames = (tasks: readonly string[]) => tasks.map((task) => t(`task_${task}` as Parameters<Translate>[0])).join(', ');
  const contractorIds = [...new Set([...lines.filter((l) => l.everyDays !== null).map((l) => l.contractorId), ...visits.flatMap((v) => (v.contractor_id ? [v.contractor_id] : []))])];
  const rows = contractorIds
    .map((id) => {
      const contractor = ctx.inventory.contractors.get(id);
      const mine = lines.filter((l) => l.contractorId === id);
      const visited = visits.filter((v) => v.contractor_id === id);
      // Overdue first, then those due early for a degrading picture.
      const due = mine.filter(needsVisit).sort((a, b) => Number(a.status !== 'overdue') - Number(b.status !== 'overdue'));
      return {
        contractor: contractor?.name ?? id,
        contract_ref: contractor?.contract_ref ?? '',
        every_days: contractor?.maintenance_every_days ?? null,
        scheduled_tasks: taskNames(parseTasks(contractor?.maintenance_tasks ?? null)),
        cameras: mine.length,
        visits: visited.length,
        cameras_visited: new Set(visited.map((v) => v.camera_id)).size,
        overdue_cameras: due.filter((l) => l.status === 'overdue').length,
        due_early: due.filter((l) => l.status === 'due').length,
        overdue_list: due.map((l) => ctx.camera(l.cameraId)?.name ?? l.cameraId).join('; '),
      };
    })
    .sort((a, b) => b.overdue_cameras + b.due_early - (a.overdue_cameras + a.due_early) || a.contractor.localeCompare(b.contractor));
  const sum = (key: 'cameras' | 'visits' | 'cameras_visited' | 'overdue_cameras' | 'due_early') => rows.reduce((total, row) => total + row[key], 0);
  const overdueCount = sum('overdue_cameras') + sum('due_early');
  return {
    title: t('title_maintenance'),
    columns: [
      ctx.col('contractor', 'text'),
      ctx.col('contract_ref', 'text'),
      ctx.col('every_days', 'integer'),
      ctx.col('scheduled_tasks', 'text'),
      ctx.col('cameras', 'integer'),
      ctx.col('visits', 'integer'),
      ctx.col('cameras_visited', 'integer'),
      ctx.col('overdue_cameras', 'integer'),
      ctx.col('due_early', 'integer'),
      ctx.col('overdue_list', 'text'),
    ],
    rows,
    totals: { contractor: t('total'), cameras: sum('cameras'), visits: sum('visits'), cameras_visited: sum('cameras_visited'), overdue_cameras: sum('overdue_cameras'), due_early: sum('due_early') },
    summary: [countText(t, 'summary_maintenance', visits.length, locale, { overdue: formatNumber(overdueCount, locale) })],
  };
}

/** What each kind builds: a record over every kind, so the compiler refuses a kind without its builder. */
const BUILDERS: Record<ReportKind, (ctx: Context, at: { now: number; timeZone: string }) => ReportBody | Promise<ReportBody>> = {
  uptime: async (ctx, { now, timeZone }) => await uptime(ctx, timeZone, now),
  incidents: async (ctx, { now }) => await incidents(ctx, now),
  history: async (ctx, { now }) => await history(ctx, now),
  overdue: async (ctx, { now }) => await overdue(ctx, now),
  images: async (ctx) => await images(ctx),
  lighting: async (ctx, { timeZone }) => await lighting(ctx, timeZone),
  sla: async (ctx, { now }) => await sla(ctx, now),
  coverage: (ctx) => coverage(ctx),
  maintenance: async (ctx, { now }) => await maintenance(ctx, now),
};

export async function buildReport(db: Engine, options: ReportOptions): Promise<Report> {
  const locale = options.locale ?? 'vi';
  const timeZone = options.timeZone ?? 'Asia/Ho_Chi_Minh';
  const now = options.now ?? Date.now();
  const ctx = await Context.load(db, options);
  const { t } = ctx;
  const body = await BUILDERS[options.kind](ctx, { now, timeZone });
  const filters = [
    ...(options.unitId ? [t('filter_unit', { value: ctx.unitName(options.unitId) })] : []),
    ...(options.contractorId ? [t('filter_contractor', { value: ctx.contractorName(options.contractorId) })] : []),
    ...(options.ownerType ? [t('filter_owner_type', { value: ownerTypeLabel(options.ownerType, t) })] : []),
  ];
  return {
    kind: options.kind,
    locale,
    ...body,
    period: options.period,
    periodLabel: periodLabel(options.period, t),
    filters,
    generatedAt: now,
    timeZone,
    // The rule says how uptime is counted: other kinds count no uptime and print no rule.
    notes: options.kind !== 'uptime' ? [] : [fill(UPTIME_RULE[locale], { holdMinutes: formatNumber(options.holdMinutes ?? 3, locale, Number.isInteger(options.holdMinutes ?? 3) ? 0 : 1) })],
  };
}
