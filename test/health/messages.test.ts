import { describe, expect, it } from 'vitest';
import { incidentKindName } from '../../src/health/messages.js';

describe('incident kinds in words', () => {
  it('names every kind the health engine opens, in both languages', () => {
    expect(incidentKindName('offline', 'vi')).toBe('camera mất kết nối');
    expect(incidentKindName('auth_failed', 'vi')).toBe('sai mật khẩu camera');
    expect(incidentKindName('image:dark', 'vi')).toBe('hình ảnh quá tối');
    expect(incidentKindName('area_image_blurred', 'vi')).toBe('hình ảnh kém cả khu vực: mờ');
    expect(incidentKindName('image:dark', 'en')).toBe('image too dark');
    for (const kind of ['offline', 'stream_down', 'auth_failed', 'power_or_network', 'server_network', 'image:frozen', 'area_image_covered']) {
      for (const locale of ['vi', 'en'] as const) expect(incidentKindName(kind, locale)).not.toMatch(/_|image:|^offline$/);
    }
  });
});
