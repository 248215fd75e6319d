import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';
import { redactSecrets, redactUrlCredentials } from '../src/redact.js';

describe('logs never carry credentials', () => {
  it('redacts password fields, user:password@ inside URLs (in messages, fields and errors)', () => {
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } as never });
    log.info({ camera: 'c1', password: 'hunter2-secret', onvif: { pass: 'hunter2-secret' }, url: 'rtsp://admin:hunter2-secret@10.0.0.5:554/live' }, 'grab rtsp://admin:hunter2-secret@10.0.0.5/s failed');
    log.warn({ err: new Error('ffmpeg: rtsp://admin:hunter2-secret@10.0.0.5/s: 401 Unauthorized') }, 'check');
    const text = lines.join('\n');
    expect(lines).toHaveLength(2);
    expect(text).not.toContain('hunter2-secret');
    expect(text).toContain('rtsp://admin:***@10.0.0.5:554/live');
    expect(text).toContain('"camera":"c1"');
  });

  it('removes known secrets from free text, but not short common strings', () => {
    expect(redactUrlCredentials('http://u:p@h/x and https://h2/y')).toBe('http://u:***@h/x and https://h2/y');
    expect(redactSecrets('SOAP fault: password Zx9-secret is wrong', ['Zx9-secret', 'ab'])).toBe('SOAP fault: password *** is wrong');
  });
});
