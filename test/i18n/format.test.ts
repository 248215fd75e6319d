import { describe, expect, it } from 'vitest';
import { formatDate, formatTime } from '../../src/i18n/index.js';

describe('the one way a moment is written', () => {
  const at = Date.UTC(2026, 11, 3, 22, 5); // 05:05 on 4 December in Vietnam
  it('"05:05 ngày 04/12/2026" in Vietnamese, "04/12/2026 05:05" in English, in the configured zone', () => {
    expect(formatTime(at, 'vi', 'Asia/Ho_Chi_Minh')).toBe('05:05 ngày 04/12/2026');
    expect(formatTime(at, 'en', 'Asia/Ho_Chi_Minh')).toBe('04/12/2026 05:05');
    expect(formatTime(at, 'vi', 'UTC')).toBe('22:05 ngày 03/12/2026');
    expect(formatDate(at, 'Asia/Ho_Chi_Minh')).toBe('04/12/2026');
  });
  it('midnight is 00, not 24', () => {
    expect(formatTime(Date.UTC(2026, 0, 4, 17, 0), 'vi', 'Asia/Ho_Chi_Minh')).toBe('00:00 ngày 05/01/2026');
  });
});
