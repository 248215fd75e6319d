import { describe, expect, it } from 'vitest';
import { renderAlert, type RenderInput } from '../../src/alerts/messages.js';
import type { RecipientReason } from '../../src/alerts/router.js';
import type { Locale } from '../../src/i18n/index.js';
import { directory, ID, incident, PUBLIC_URL, T0 } from './long-names.js';

const render = (recipientReason: RecipientReason, kind: string, detail: string, locale: Locale = 'vi', over: Partial<RenderInput> = {}) =>
  renderAlert({ incident: incident(kind, 'camera', detail), kind: 'opened', recipientReason, directory, locale, timeZone: 'Asia/Ho_Chi_Minh', publicUrl: PUBLIC_URL, at: T0, ...over });

describe('what an alert tells whom', () => {
  it('a police chief gets the link to acknowledge, no command line and no technical detail', () => {
    const { text } = render('chief', 'offline', '127.0.0.1:18306: ECONNREFUSED');
    expect(text).toContain(`Tiếp nhận sự cố: ${PUBLIC_URL}/incidents/${ID}/ack`);
    expect(text).not.toMatch(/camwatch ack|--by|ECONNREFUSED|Chi tiết/);
    expect(render('escalation', 'auth_failed', 'GetDeviceInformation: the camera refused the user/password', 'vi', { kind: 'escalation', reason: 'unacknowledged' }).text).not.toMatch(/GetDeviceInformation|camwatch ack/);
  });

  it('an administrator also gets the technical detail, labelled, and the command', () => {
    const { text } = render('admin', 'offline', '127.0.0.1:18306: ECONNREFUSED');
    expect(text).toContain('Chi tiết kỹ thuật: 127.0.0.1:18306: ECONNREFUSED');
    expect(text).toContain(`camwatch ack ${ID} --by`);
    expect(render('admin', 'offline', 'no complete ONVIF answer within 4000 ms', 'en').text).toContain('Technical details: no complete ONVIF answer within 4000 ms');
  });

  it('an image finding is words, and everyone reads it', () => {
    expect(render('chief', 'image:dark', 'Ảnh quá tối: độ sáng còn 12% so với bình thường').text).toContain('Chi tiết: Ảnh quá tối: độ sáng còn 12% so với bình thường');
  });

  it('a finding without a sentence of its own is named in words, not by its code', () => {
    expect(render('chief', 'image:lighting_recommendation', 'x').subject).toBe('[camwatch] Hình ảnh camera có vấn đề (cần chiếu sáng)');
  });

  it('writes every moment the one way: "14:05 ngày 04/12/2026"', () => {
    const { text } = render('contractor', 'offline', 'x');
    expect(text).toContain('Từ lúc: 14:05 ngày 04/12/2026');
    expect(text).toContain('trước 14:05 ngày 06/12/2026.');
  });
});
