/**
 * Reporting periods, as local days (inclusive) in the configured zone. Besides calendar months
 * there is the official monthly period of Decree 09/2019/NĐ-CP art. 12: from the 15th of the
 * previous month to the 14th of the month reported on ("kỳ báo cáo tháng 1/2026" = 15/12/2025 –
 * 14/01/2026).
 */
import { addDays, dayStart, localDay } from '../health/calendar.js';

export interface Period {
  kind: 'range' | 'month' | 'official';
  /** 'YYYY-MM-DD', inclusive */
  fromDay: string;
  toDay: string;
  /** UTC ms: start of fromDay, start of the day after toDay (exclusive) */
  from: number;
  to: number;
  /** 'YYYY-MM' for month and official periods */
  month?: string | undefined;
}

export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
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
  if (!m || mo < 1 || mo > 12) throw new PeriodError(`"${month}" is not a month; write YYYY-MM, e.g. 2026-01`);
  return [y, mo];
}

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function make(kind: Period['kind'], fromDay: string, toDay: string, timeZone: string, month?: string): Period {
  if (!validDay(fromDay) || !validDay(toDay)) throw new PeriodError(`days are written YYYY-MM-DD (got "${fromDay}" – "${toDay}")`);
  if (!inYears(fromDay) || !inYears(toDay)) throw new PeriodError(`reports cover the years ${YEARS.first}–${YEARS.last} (got "${fromDay}" – "${toDay}")`);
  if (toDay < fromDay) throw new PeriodError(`the period ends (${toDay}) before it starts (${fromDay})`);
  return { kind, fromDay, toDay, from: dayStart(fromDay, timeZone), to: dayStart(addDays(toDay, 1), timeZone), month };
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
}

/** --from/--to, --month or --period (one of them); none: the official period containing `now`. */
export function resolvePeriod(input: PeriodInput, timeZone: string, now = Date.now()): Period {
  const given = [input.from !== undefined || input.to !== undefined, input.month !== undefined, input.period !== undefined].filter(Boolean).length;
  if (given > 1) throw new PeriodError('give either --from/--to, --month or --period, not several');
  if (input.month !== undefined) return calendarMonth(input.month, timeZone);
  if (input.period !== undefined) return officialPeriod(input.period, timeZone);
  if (input.from !== undefined || input.to !== undefined) {
    const today = localDay(now, timeZone);
    return make('range', input.from ?? input.to ?? today, input.to ?? today, timeZone);
  }
  return officialPeriodAt(now, timeZone);
}
