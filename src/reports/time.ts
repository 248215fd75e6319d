/** Times as the report formats write them. */
import { zoneOffsetMs } from '../health/calendar.js';

/** '2026-01-05T08:30:00+07:00' */
export function isoLocal(at: number, timeZone: string): string {
  const offset = zoneOffsetMs(at, timeZone);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset) / 60_000;
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return new Date(at + offset).toISOString().slice(0, 19) + zone;
}

/** '05/01/2026 08:30' (dd/mm/yyyy, as Vietnamese write dates); without the time for a day. */
export function dmyLocal(at: number, timeZone: string, withTime = true): string {
  const local = isoLocal(at, timeZone);
  const day = `${local.slice(8, 10)}/${local.slice(5, 7)}/${local.slice(0, 4)}`;
  return withTime ? `${day} ${local.slice(11, 16)}` : day;
}
