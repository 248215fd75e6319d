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
