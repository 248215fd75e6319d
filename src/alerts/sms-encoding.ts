/**
 * How long an SMS really is. A text goes as GSM 7-bit when every character is in the GSM 03.38
 * alphabet (the extension table's characters take two septets: an escape and the character),
 * otherwise as UCS-2 (UTF-16 code units). One part holds 160 septets or 70 units; a concatenated
 * message holds 153 or 67 per part (the rest is the concatenation header), and a part never ends
 * between an escape and its character or between the halves of a surrogate pair.
 *
 * The short form of an alert is fitted here: the incident number and the acknowledgement link are
 * kept whole, the description is cut to make room.
 */
import { z } from 'zod';

export type SmsEncoding = 'gsm7' | 'ucs2';

/** GSM 03.38 default alphabet (0x1B, the escape, is not a character of its own). */
const GSM_BASIC = new Set([
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
]);
/** GSM 03.38 extension table: each costs two septets. */
const GSM_EXTENSION = new Set([...'\f^{}\\[~]|€']);

const SINGLE = { gsm7: 160, ucs2: 70 } as const;
const PER_PART = { gsm7: 153, ucs2: 67 } as const;

/** Whether every character of the text can go as GSM 7-bit. */
export function isGsm7(text: string): boolean {
  for (const char of text) if (!GSM_BASIC.has(char) && !GSM_EXTENSION.has(char)) return false;
  return true;
}

/** Units each character costs in the encoding: septets for GSM 7-bit, UTF-16 code units for UCS-2. */
function units(text: string, encoding: SmsEncoding): number[] {
  return [...text].map((char) => (encoding === 'ucs2' ? char.length : GSM_EXTENSION.has(char) ? 2 : 1));
}

export interface SmsSize {
  encoding: SmsEncoding;
  /** septets (GSM 7-bit) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
}

/**
 * Segments the text takes; the encoding is the one a phone would choose unless given (a gateway
 * told to send Unicode sends UCS-2 whatever the text). Throws when GSM 7-bit is forced on a text
 * it cannot carry.
 */
export function smsSize(text: string, encoding: SmsEncoding = isGsm7(text) ? 'gsm7' : 'ucs2'): SmsSize {
  if (encoding === 'gsm7' && !isGsm7(text)) throw new Error('the text has characters outside the GSM 7-bit alphabet');
  const costs = units(text, encoding);
  const total = costs.reduce((sum, cost) => sum + cost, 0);
  if (total <= SINGLE[encoding]) return { encoding, units: total, segments: total === 0 ? 0 : 1 };
  // Concatenated: fill each part, never splitting an escape pair or a surrogate pair.
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > PER_PART[encoding]) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return { encoding, units: total, segments };
}

/** Vietnamese without diacritics, in the GSM 7-bit alphabet: "Camera mất kết nối" → "Camera mat ket noi". */
export function toPlainText(text: string): string {
  const ascii = text
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[—–]/g, '-')
    .replace(/[“”]/g, '"')
    .replace(/[‘’`]/g, "'")
    .replace(/…/g, '...');
  return [...ascii].map((char) => (GSM_BASIC.has(char) || GSM_EXTENSION.has(char) ? char : '?')).join('');
}

/**
 * The short form of an alert: a description, most important first, that may be cut, and what is
 * never cut (the incident number, the acknowledgement link).
 */
export const shortFormSchema = z.object({ description: z.array(z.string()), keep: z.array(z.string()) });
export type ShortForm = z.infer<typeof shortFormSchema>;

const PART_SEPARATOR = '. ';

/** The whole short form as one line. */
export function joinShortForm(form: ShortForm, description = form.description.join(PART_SEPARATOR)): string {
  const keep = form.keep.join(' ');
  if (!description || !keep) return description || keep;
  return `${description}${/[.…]$/.test(description) ? ' ' : PART_SEPARATOR}${keep}`;
}

/** A cut that falls this close after the end of a part ends at that part instead (no ellipsis). */
const PART_SLACK = 20;

/**
 * The text to send: the whole short form when it fits in `maxParts` segments of the encoding,
 * otherwise the description cut (at the end of a part, else of a word, with an ellipsis) so that
 * the kept items fit whole. When even they alone do not fit they are sent whole anyway: a link cut
 * short is worth nothing.
 */
export function fitShortForm(form: ShortForm, encoding: SmsEncoding, maxParts: number): string {
  const prepare = (text: string) => (encoding === 'gsm7' ? toPlainText(text) : text.normalize('NFC'));
  const fits = (text: string) => smsSize(text, encoding).segments <= maxParts;
  const whole = prepare(joinShortForm(form));
  if (fits(whole)) return whole;
  const description = [...prepare(form.description.join(PART_SEPARATOR))];
  const ellipsis = encoding === 'gsm7' ? '...' : '…';
  const cutAt = (length: number, mark: string) => prepare(joinShortForm(form, description.slice(0, length).join('') + mark));
  // The longest prefix that fits with an ellipsis (the size grows with the prefix: binary search).
  let low = 0;
  let high = description.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(cutAt(mid, ellipsis))) low = mid;
    else high = mid - 1;
  }
  if (low === 0) return prepare(joinShortForm({ ...form, description: [] }));
  const prefix = description.slice(0, low).join('');
  const length = (text: string) => [...text].length;
  const partEnd = length(prefix.slice(0, Math.max(0, prefix.lastIndexOf(PART_SEPARATOR))));
  if (partEnd > 0 && low - partEnd <= PART_SLACK && fits(cutAt(partEnd, ''))) return cutAt(partEnd, '');
  const wordEnd = length(prefix.slice(0, Math.max(0, prefix.lastIndexOf(' '))));
  const end = wordEnd > low / 2 ? wordEnd : low;
  return cutAt(length(description.slice(0, end).join('').replace(/[\s.,:;—-]+$/, '')), ellipsis);
}
