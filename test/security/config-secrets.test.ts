/**
 * A camera password written into the config instead of its environment variable would reach the
 * logs, the database and /api/cameras: such configs are refused, naming the field and the fix.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const config = (camera: string) =>
  `version: 1\nunits: [{ id: xa, name: xã A, kind: commune }]\ncameras:\n  - { id: c1, name: C1, unit: xa, ${camera} }\n`;
const env = { PW: 'Real-Secret-9' };

function refusal(camera: string): string {
  try {
    parseConfig(config(camera), 'camwatch.yaml', env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('accepted');
}

describe('passwords in the config', () => {
  it.each([
    ['onvif: { host: "admin:hunter2@10.0.0.1", password_env: PW }', 'cameras[0].onvif.host'],
    ['onvif: { host: "http://10.0.0.1/onvif", password_env: PW }', 'cameras[0].onvif.host'],
    ['onvif: { host: 10.0.0.1, password_env: PW }, rtsp_url: "rtsp://10.0.0.1/cam/realmonitor?channel=1&user=admin&password=hunter2"', 'cameras[0].rtsp_url'],
    ['onvif: { host: 10.0.0.1, password_env: PW }, snapshot_url: "http://10.0.0.1/cgi-bin/snapshot.cgi?loginuse=admin&loginpas=hunter2"', 'cameras[0].snapshot_url'],
    ['onvif: { host: 10.0.0.1, password_env: PW }, snapshot_url: "http://10.0.0.1/snap.jpg?usr=admin&pwd=hunter2"', 'cameras[0].snapshot_url'],
  ])('%s is refused at %s', (camera, field) => {
    const message = refusal(camera);
    expect(message).toContain(field);
    expect(message).toContain('password_env');
  });

  it('ordinary addresses and stream parameters are accepted', () => {
    for (const camera of [
      'onvif: { host: 10.0.0.1, password_env: PW }, rtsp_url: "rtsp://10.0.0.1:554/cam/realmonitor?channel=1&subtype=0"',
      'onvif: { host: cam-12.xa.local, port: 8000, password_env: PW }',
      'onvif: { host: "[fd00::12]", password_env: PW }',
    ]) {
      expect(() => parseConfig(config(camera), 'camwatch.yaml', env)).not.toThrow();
    }
  });
});
