/**
 * Reporting periods, as local days (inclusive) in the configured zone. Besides calendar months
 * there are the official periods of Decree 09/2019/NĐ-CP art. 12, all ending on a 14th and starting
 * on the 15th after the previous one ends: the month ("kỳ báo cáo tháng 1/2026" = 15/12/2025 –
 * 14/01/2026), the quarter (quý 1/2026 = 15/12/2025 – 14/03/2026), the six months (6 tháng đầu năm
 * 2026 = 15/12/2025 – 14/06/2026; cuối năm = 15/06 – 14/12) and the year (15/12/2025 – 14/12/2026).
 */
import { fill, type Params } from '../i18n/index.js';
import { periodMessages, type PeriodMessageKey } from './messages.js';
import { addDays, dayStart, localDay } from '../health/calendar.js';

export const OFFICIAL_SPANS = ['quarter', 'half', 'year'] as const;
export type OfficialSpan = (typeof OFFICIAL_SPANS)[number];

export interface Period {
  kind: 'range' | 'month' | 'official' | OfficialSpan;
  /** 'YYYY-MM-DD', inclusive */
  fromDay: string;
  toDay: string;
  /** UTC ms: start of fromDay, start of the day after toDay (exclusive) */
  from: number;
  to: number;
  /** 'YYYY-MM' for month and official periods */
  month?: string | undefined;
  /** quarter: '2026-Q1'; half: '2026-H1'; year: '2026' */
  name?: string | undefined;
}

/** A period that cannot be read: `key` names the sentence in `periodMessages` (the message is its English). */
export class PeriodError extends Error {
  constructor(
    readonly key: PeriodMessageKey,
    readonly params: Params = {},
  ) {
    super(fill(periodMessages.en[key], params));
    this.name = 'PeriodError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** Years a report can cover: camwatch keeps no data from before 2000, and none from the far future. */
const YEARS = { first: 2000, last: 2099 } as const;

function validDay(day: string): boolean {
  if (!DAY.test(day)) return false;
  const date = new Date(day + 'T00:00:00Z');
  // 2026-13-01 is no date at all; 2026-02-30 rolls over to March: both are refused.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

function inYears(day: string): boolean {
  const year = Number(day.slice(0, 4));
  return year >= YEARS.first && year <= YEARS.last;
}

function parseMonth(month: string): [number, number] {
  const m = MONTH.exec(month);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  if (!m || mo < 1 || mo > 12) throw new PeriodError('not_month', { value: month });
  return [y, mo];
}

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function make(kind: Period['kind'], fromDay: string, toDay: string, timeZone: string, month?: string, name?: string): Period {
  if (!validDay(fromDay) || !validDay(toDay)) throw new PeriodError('bad_days', { from: fromDay, to: toDay });
  if (!inYears(fromDay) || !inYears(toDay)) throw new PeriodError('bad_years', { first: YEARS.first, last: YEARS.last, from: fromDay, to: toDay });
  if (toDay < fromDay) throw new PeriodError('ends_before_start', { from: fromDay, to: toDay });
  return { kind, fromDay, toDay, from: dayStart(fromDay, timeZone), to: dayStart(addDays(toDay, 1), timeZone), ...(month ? { month } : {}), ...(name ? { name } : {}) };
}

/** From the 15th of the month before `firstMonth` to the 14th of `lastMonth` (months of `year`, 1-based; 0 is December before). */
function officialSpan(kind: Period['kind'], year: number, firstMonth: number, lastMonth: number, timeZone: string, name?: string): Period {
  const startYear = firstMonth === 1 ? year - 1 : year;
  const startMonth = firstMonth === 1 ? 12 : firstMonth - 1;
  return make(kind, `${startYear}-${pad(startMonth)}-15`, `${year}-${pad(lastMonth)}-14`, timeZone, undefined, name);
}

const QUARTER = /^(\d{4})-Q([1-4])$/;
const HALF = /^(\d{4})-H([12])$/;
const YEAR = /^(\d{4})$/;

/** The official quarter: 2026-Q1 → 2025-12-15 … 2026-03-14. */
export function officialQuarter(quarter: string, timeZone: string): Period {
  const m = QUARTER.exec(quarter);
  if (!m) throw new PeriodError('not_quarter', { value: quarter });
  const q = Number(m[2]);
  return officialSpan('quarter', Number(m[1]), q * 3 - 2, q * 3, timeZone, quarter);
}

/** The official six months: 2026-H1 → 2025-12-15 … 2026-06-14; 2026-H2 → 2026-06-15 … 2026-12-14. */
export function officialHalf(half: string, timeZone: string): Period {
  const m = HALF.exec(half);
  if (!m) throw new PeriodError('not_half', { value: half });
  const h = Number(m[2]);
  return officialSpan('half', Number(m[1]), h * 6 - 5, h * 6, timeZone, half);
}

/** The official year: 2026 → 2025-12-15 … 2026-12-14. */
export function officialYear(year: string, timeZone: string): Period {
  if (!YEAR.test(year)) throw new PeriodError('not_year', { value: year });
  return officialSpan('year', Number(year), 1, 12, timeZone, year);
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = parseMonth(month);
  const index = y * 12 + (m - 1) + by;
  return `${Math.floor(index / 12)}-${pad((index % 12) + 1)}`;
}

/** The period before, of the same kind: the month, quarter, half or year before; a range of days: as many days just before. */
export function previousPeriod(period: Period, timeZone: string): Period {
  const year = Number(period.name?.slice(0, 4));
  switch (period.kind) {
    case 'month':
      return calendarMonth(shiftMonth(period.month ?? period.fromDay.slice(0, 7), -1), timeZone);
    case 'official':
      return officialPeriod(shiftMonth(period.month ?? period.toDay.slice(0, 7), -1), timeZone);
    case 'quarter': {
      const q = Number(period.name?.slice(6));
      return officialQuarter(q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`, timeZone);
    }
    case 'half':
      return officialHalf(period.name?.endsWith('H2') ? `${year}-H1` : `${year - 1}-H2`, timeZone);
    case 'year':
      return officialYear(String(year - 1), timeZone);
    case 'range': {
      const days = Math.round((Date.parse(period.toDay) - Date.parse(period.fromDay)) / 86_400_000) + 1;
      return make('range', addDays(period.fromDay, -days), addDays(period.fromDay, -1), timeZone);
    }
  }
}

export function calendarMonth(month: string, timeZone: string): Period {
  const [y, m] = parseMonth(month);
  return make('month', `${y}-${pad(m)}-01`, `${y}-${pad(m)}-${pad(lastDayOfMonth(y, m))}`, timeZone, `${y}-${pad(m)}`);
}

/** The official period named after the month it ends in: 2026-01 → 2025-12-15 … 2026-01-14. */
export function officialPeriod(month: string, timeZone: string): Period {
  const [y, m] = parseMonth(month);
  const prevY = m === 1 ? y - 1 : y;
  const prevM = m === 1 ? 12 : m - 1;
  return make('official', `${prevY}-${pad(prevM)}-15`, `${y}-${pad(m)}-14`, timeZone, `${y}-${pad(m)}`);
}

/** The official period that contains the instant. */
export function officialPeriodAt(at: number, timeZone: string): Period {
  const day = localDay(at, timeZone);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (d <= 14) return officialPeriod(`${y}-${pad(m)}`, timeZone);
  return officialPeriod(m === 12 ? `${y + 1}-01` : `${y}-${pad(m + 1)}`, timeZone);
}

export interface PeriodInput {
  from?: string | undefined;
  to?: string | undefined;
  month?: string | undefined;
  period?: string | undefined;
  quarter?: string | undefined;
  half?: string | undefined;
  year?: string | undefined;
}

/** --from/--to, --month, --period, --quarter, --half or --year (one of them); none: the official period containing `now`. */
export function resolvePeriod(input: PeriodInput, timeZone: string, now = Date.now()): Period {
  const spans = { quarter: officialQuarter, half: officialHalf, year: officialYear } as const;
  const given = [input.from !== undefined || input.to !== undefined, input.month !== undefined, input.period !== undefined, ...OFFICIAL_SPANS.map((span) => input[span] !== undefined)].filter(Boolean).length;
  if (given > 1) throw new PeriodError('several_periods');
  if (input.month !== undefined) return calendarMonth(input.month, timeZone);
  if (input.period !== undefined) return officialPeriod(input.period, timeZone);
  for (const span of OFFICIAL_SPANS) {
    const value = input[span];
    if (value !== undefined) return spans[span](value, timeZone);
  }
  if (input.from !== undefined || input.to !== undefined) {
    const today = localDay(now, timeZone);
    return make('range', input.from ?? input.to ?? today, input.to ?? today, timeZone);
  }
  return officialPeriodAt(now, timeZone);
}
