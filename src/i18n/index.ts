/**
 * Message catalogues. Users are police officers and officials: Vietnamese by default,
 * English on request. Each capability keeps its own catalogue (a `Catalogue` pair) beside its
 * code; this module only picks the language and fills in {placeholders}.
 */
export const LOCALES = ['vi', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'vi';

export type Messages = Record<string, string>;
export type Catalogue<M extends Messages> = { vi: M; en: { [K in keyof M]: string } };

export type Params = Record<string, string | number>;

export function fill(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translator<M extends Messages>(catalogue: Catalogue<M>, locale: Locale = DEFAULT_LOCALE) {
  const messages = catalogue[locale] as Messages;
  return (key: keyof M & string, params?: Params): string => fill(messages[key] ?? String(key), params);
}

/** Numbers the Vietnamese way: dot for thousands, comma for decimals ("3.180", "98,6"). */
export function formatNumber(value: number, locale: Locale, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits,
  }).format(value);
}

/** Year, month, day, hour and minute of `at` in the time zone, two digits each (the year four). */
export function clockParts(at: number, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(at));
  return Object.fromEntries(parts.map((p) => [p.type, p.value])) as Record<'year' | 'month' | 'day' | 'hour' | 'minute', string>;
}

/** A calendar day the one way messages write it: "04/12/2026" (both languages). */
export function formatDate(at: number, timeZone: string): string {
  const { day, month, year } = clockParts(at, timeZone);
  return `${day}/${month}/${year}`;
}

/**
 * A moment the one way every message writes it: "14:05 ngày 04/12/2026" (vi), "04/12/2026 14:05"
 * (en), in the configured time zone. The dashboard's fmtTime (src/server/dashboard/public/core.js)
 * writes the same.
 */
export function formatTime(at: number, locale: Locale, timeZone: string): string {
  const { hour, minute } = clockParts(at, timeZone);
  const date = formatDate(at, timeZone);
  return locale === 'vi' ? `${hour}:${minute} ngày ${date}` : `${date} ${hour}:${minute}`;
}
