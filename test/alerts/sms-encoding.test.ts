import { describe, expect, it } from 'vitest';
import { fitShortForm, isGsm7, smsSize, toPlainText } from '../../src/alerts/sms-encoding.js';
import { buildSmsRequest, shortFormOf, smsSettings } from '../../src/alerts/channels/sms.js';
import { alertMessages, renderAlert, type RenderInput } from '../../src/alerts/messages.js';
import type { RecipientReason } from '../../src/alerts/router.js';
import type { Locale } from '../../src/i18n/index.js';
import type { Incident } from '../../src/store/incidents.js';
import { directory, ID, incident, PUBLIC_URL, T0 } from './long-names.js';
import { englishWords } from '../i18n/english-words.js';

describe('SMS segment counter', () => {
  it('GSM 7-bit: 160 septets in one part, 153 per part beyond', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(smsSize('a'.repeat(306)).segments).toBe(2);
    expect(smsSize('a'.repeat(307)).segments).toBe(3);
    expect(smsSize('').segments).toBe(0);
  });

  it('GSM 7-bit extension characters take two septets, and a part never splits one', () => {
    expect(smsSize('[x]')).toEqual({ encoding: 'gsm7', units: 5, segments: 1 });
    expect(smsSize('€'.repeat(80)).segments).toBe(1); // 160 septets
    expect(smsSize('€'.repeat(81)).segments).toBe(2);
    // 306 septets either way; an escape pair at septets 153-154 would straddle the first part's end, so it starts the second.
    expect(smsSize('a'.repeat(152) + '{' + 'a'.repeat(152)).units).toBe(306);
    expect(smsSize('a'.repeat(152) + '{' + 'a'.repeat(152)).segments).toBe(3);
    expect(smsSize('a'.repeat(153) + '{' + 'a'.repeat(151)).segments).toBe(2);
  });

  it('UCS-2 as soon as one character is outside the GSM alphabet: 70 in one part, 67 per part beyond', () => {
    expect(isGsm7('Camera mat ket noi @ £ é')).toBe(true);
    expect(isGsm7('Camera mất kết nối')).toBe(false);
    expect(isGsm7('a`b')).toBe(false); // the backtick is ASCII but not GSM
    expect(smsSize('ố'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsSize('ố'.repeat(71)).segments).toBe(2);
    expect(smsSize('ố'.repeat(134)).segments).toBe(2);
    expect(smsSize('ố'.repeat(135)).segments).toBe(3);
    // A surrogate pair (an emoji) is two units and is not split across parts.
    expect(smsSize('a'.repeat(66) + '😀' + 'a'.repeat(66)).units).toBe(134);
    expect(smsSize('a'.repeat(66) + '😀' + 'a'.repeat(66)).segments).toBe(3);
    // Forced UCS-2 (a gateway told to send Unicode) counts a plain text in UCS-2 units.
    expect(smsSize('a'.repeat(100), 'ucs2').segments).toBe(2);
    expect(() => smsSize('ố', 'gsm7')).toThrow();
  });

  it('plain text has no diacritics and only GSM characters', () => {
    expect(toPlainText('Đã khắc phục — xã Phước An “Chợ” `x` ✓')).toBe('Da khac phuc - xa Phuoc An "Cho" \'x\' ?');
    expect(isGsm7(toPlainText('Ngã tư Quốc lộ 1A – cổng “Chợ Diêu Trì”…'))).toBe(true);
  });
});

describe('fitting a short form', () => {
  const url = 'https://giamsatcamera.congan.gialai.gov.vn/incidents/104857/ack';
  const form = { description: ['Camera mất kết nối', 'Ngã tư Quốc lộ 1A – đường vào Chợ Diêu Trì, cột đèn số 12', 'xã Tuy Phước Đông', '14:05 ngày 04/12/2026'], keep: ['#104857', url] };

  it('keeps a form that fits whole', () => {
    const small = { description: ['Camera mất kết nối'], keep: ['#7'] };
    expect(fitShortForm(small, 'ucs2', 2)).toBe('Camera mất kết nối. #7');
    expect(fitShortForm(small, 'gsm7', 1)).toBe('Camera mat ket noi. #7');
  });

  it('cuts the description, never the incident number or the link', () => {
    for (const [encoding, parts] of [['ucs2', 2], ['gsm7', 1], ['gsm7', 2]] as const) {
      const text = fitShortForm(form, encoding, parts);
      expect(smsSize(text, encoding).segments).toBeLessThanOrEqual(parts);
      expect(text.endsWith(` #104857 ${url}`)).toBe(true);
      expect(text.startsWith(encoding === 'gsm7' ? 'Camera mat ket noi' : 'Camera mất kết nối')).toBe(true);
    }
  });

  it('cuts at the end of a part or a word, with an ellipsis inside a part', () => {
    const text = fitShortForm(form, 'ucs2', 2);
    expect(text).toMatch(/^Camera mất kết nối\. Ngã tư Quốc lộ 1A[^#]*(…|[^\s.]\.) #104857/);
    expect(text).not.toMatch(/ …/);
  });

  it('sends the kept items whole even when they alone are too long', () => {
    const long = `https://example.vn/${'x'.repeat(200)}`;
    expect(fitShortForm({ description: ['Camera mất kết nối'], keep: ['#1', long] }, 'ucs2', 2)).toBe(`#1 ${long}`);
  });
});

/** Every incident kind the catalogue can name, so a new kind is covered here the day it gets its words. */
function incidentKinds(): { kind: string; scope: Incident['scope']; detail: string | null }[] {
  const keys = Object.keys(alertMessages.vi);
  const images = keys.filter((k) => k.startsWith('problem_image_')).map((k) => k.slice('problem_image_'.length));
  const singles = keys.filter((k) => k.startsWith('problem_') && !k.startsWith('problem_image') && !['problem_group', 'problem_group_image', 'problem_server'].includes(k));
  expect(images.length).toBeGreaterThan(8);
  return [
    ...singles.map((k) => ({ kind: k.slice('problem_'.length), scope: 'camera' as const, detail: '127.0.0.1:18306: ECONNREFUSED' })),
    ...images.map((finding) => ({ kind: `image:${finding}`, scope: 'camera' as const, detail: 'Ảnh quá tối: độ sáng còn 12% so với bình thường' })),
    { kind: 'power_or_network', scope: 'unit' as const, detail: '17/23' },
    ...images.map((finding) => ({ kind: `area_image_${finding}`, scope: 'unit' as const, detail: '17/23' })),
    { kind: 'server_network', scope: 'server' as const, detail: '3180/3321' },
  ];
}

type Case = Pick<RenderInput, 'kind' | 'reason'> & { label: string; recipient: RecipientReason; over?: Partial<Incident> };
const CASES: Case[] = [
  { label: 'opened', kind: 'opened', recipient: 'chief' },
  { label: 'work order', kind: 'opened', recipient: 'contractor' },
  { label: 'owner', kind: 'opened', recipient: 'owner' },
  { label: 'reminder', kind: 'reminder', recipient: 'chief' },
  { label: 'escalation unacknowledged', kind: 'escalation', reason: 'unacknowledged', recipient: 'escalation' },
  { label: 'escalation repair breach', kind: 'escalation', reason: 'repair_breach', recipient: 'escalation' },
  { label: 'recovery', kind: 'recovery', recipient: 'chief', over: { resolved_at: T0 + 3_600_000, resolved_by: 'camwatch' } },
  { label: 'closed by hand', kind: 'recovery', recipient: 'chief', over: { resolved_at: T0 + 3_600_000, resolved_by: 'Nguyễn Văn An' } },
];

describe('the short form of every alert fits: 1 GSM-7 part without diacritics, 2 UCS-2 parts with them', () => {
  const ack = `${PUBLIC_URL}/incidents/${ID}/ack`;
  for (const locale of ['vi', 'en'] as Locale[]) {
    for (const c of CASES) {
      it(`${locale}: ${c.label}, every incident kind`, () => {
        for (const { kind, scope, detail } of incidentKinds()) {
          const rendered = renderAlert({
            incident: incident(kind, scope, detail, c.over), kind: c.kind, reason: c.reason, recipientReason: c.recipient, directory, locale, timeZone: 'Asia/Ho_Chi_Minh',
            publicUrl: PUBLIC_URL, escalateAfterMinutes: 60, at: T0 + 3_600_000,
          });
          // Nothing English inside the Vietnamese: no identifier filled into a sentence, no probe's own words.
          if (locale === 'vi') expect(englishWords(`${rendered.text}\n${rendered.short}`), kind).toEqual([]);
          const withLink = c.kind !== 'recovery' && c.recipient !== 'owner';
          for (const unicode of [true, false]) {
            const settings = smsSettings({ preset: 'esms', unicode });
            const sent = JSON.parse(buildSmsRequest(settings, { ESMS_API_KEY: 'k', ESMS_SECRET_KEY: 's' }, { phone: '0912000001', text: shortFormOf(rendered), requestId: 'r' }).init.body!).Content as string;
            // Counted as the gateway sends it: told Unicode, it sends UCS-2 whatever the text.
            const size = smsSize(sent, unicode ? 'ucs2' : 'gsm7');
            const what = `${kind} (${unicode ? 'UCS-2' : 'GSM-7'}): ${sent}`;
            if (unicode && locale === 'vi') expect(isGsm7(sent), what).toBe(false); // the diacritics are kept
            expect(size.segments, what).toBeLessThanOrEqual(unicode ? 2 : 1);
            expect(sent, what).toContain(`#${ID}`);
            if (withLink) expect(sent.endsWith(` #${ID} ${ack}`), what).toBe(true);
            else expect(sent, what).not.toContain('http');
            // What was cut is the description, not its beginning: the problem is always named.
            expect(sent.length, what).toBeGreaterThan(`#${ID} ${withLink ? ack : ''}`.length + 10);
          }
        }
      });
    }
  }

  it('a stored alert from before short forms sends its one-line text, cut', () => {
    expect(shortFormOf({ short: 'Camera mất kết nối' })).toBe('Camera mất kết nối');
    expect(shortFormOf({ short: 'x', sms: { description: 'not a list', keep: [] } })).toBe('x');
  });
});
