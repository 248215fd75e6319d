import { describe, expect, it } from 'vitest';
import { buildSmsRequest, smsSettings, smsText } from '../../src/alerts/channels/sms.js';
import { toPlainText } from '../../src/alerts/sms-encoding.js';
import { scrubTemplateValue } from '../../src/alerts/channels/zalo.js';
import { directoryFromConfig } from '../../src/alerts/directory.js';
import { route } from '../../src/alerts/router.js';
import { parseConfig } from '../../src/config/load.js';
import type { Incident } from '../../src/store/incidents.js';
import { ENV, fleetYaml } from './fixture.js';

const ENV_SMS = { ESMS_API_KEY: 'K', ESMS_SECRET_KEY: 'S', SPEEDSMS_ACCESS_TOKEN: 'TOKEN' };
const msg = { phone: '0912345678', text: 'Camera mất kết nối', requestId: 'cw123' };

describe('SMS gateway adapter', () => {
  it('eSMS preset builds the documented JSON body', () => {
    const req = buildSmsRequest(smsSettings({ preset: 'esms', vars: { brandname: 'CAMWATCH' } }), ENV_SMS, msg);
    expect(req.url).toBe('https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/');
    expect(req.init.method).toBe('POST');
    expect(req.init.headers['Content-Type']).toBe('application/json');
    expect(JSON.parse(req.init.body!)).toEqual({
      ApiKey: 'K', SecretKey: 'S', Phone: '0912345678', Content: 'Camera mat ket noi', Brandname: 'CAMWATCH', SmsType: '2', IsUnicode: '0', Sandbox: '0', RequestId: 'cw123',
    });
  });

  it('SpeedSMS preset: basic auth with the token, {to, content, sms_type, sender}', () => {
    const req = buildSmsRequest(smsSettings({ preset: 'speedsms', vars: { brandname: 'CAMWATCH' }, unicode: true }), ENV_SMS, msg);
    expect(req.url).toBe('https://api.speedsms.vn/index.php/sms/send');
    expect(req.init.headers.Authorization).toBe('Basic ' + Buffer.from('TOKEN:x').toString('base64'));
    expect(JSON.parse(req.init.body!)).toEqual({ to: ['84912345678'], content: 'Camera mất kết nối', sms_type: 3, sender: 'CAMWATCH' });
  });

  it('custom gateways: form, XML (escaped), GET query, bearer and header auth', () => {
    const form = buildSmsRequest(smsSettings({ preset: 'custom', url: 'http://gw/send', format: 'form', body: { to: '{phone}', msg: '{text}', id: '{request_id}' }, auth: { type: 'bearer', token_env: 'T' }, phone_format: '0' }), { T: 'tok' }, msg);
    expect(form.init.body).toBe('to=0912345678&msg=Camera+mat+ket+noi&id=cw123');
    expect(form.init.headers.Authorization).toBe('Bearer tok');
    const xml = buildSmsRequest(smsSettings({ preset: 'custom', url: 'http://gw/x', format: 'xml', body: '<sms><to>{phone}</to><text>{text}</text></sms>', unicode: true }), {}, { ...msg, text: 'a < b & "c"' });
    expect(xml.init.body).toBe('<sms><to>84912345678</to><text>a &lt; b &amp; &quot;c&quot;</text></sms>');
    const get = buildSmsRequest(smsSettings({ preset: 'custom', url: 'http://gw/q?x=1', method: 'GET', format: 'query', body: { p: '{phone}', t: '{text}' }, auth: { type: 'header', header: 'X-Key', token_env: 'T' } }), { T: 'k' }, msg);
    expect(get.url).toBe('http://gw/q?x=1&p=84912345678&t=Camera+mat+ket+noi');
    expect(get.init.body).toBeUndefined();
    expect(get.init.headers['X-Key']).toBe('k');
  });

  it('plain text strips Vietnamese diacritics; length is bounded by parts', () => {
    expect(toPlainText('Đã hoạt động lại — xã Phước An')).toBe('Da hoat dong lai - xa Phuoc An');
    expect([...smsText('ố'.repeat(500), true, 2)]).toHaveLength(134);
    expect(smsText('a'.repeat(500), false, 1)).toHaveLength(160);
    expect(smsText('a'.repeat(100), false, 1)).toHaveLength(100);
  });

  it('Zalo template values lose links and phone numbers', () => {
    expect(scrubTemplateValue('Gọi 0912 345 678 hoặc xem https://x.vn/a', 100)).toBe('Gọi hoặc xem');
    expect(scrubTemplateValue('x'.repeat(50), 10)).toHaveLength(10);
  });
});

describe('router', () => {
  const config = parseConfig(fleetYaml({ base: 'http://127.0.0.1:1' }, 25), 'f.yaml', ENV);
  const directory = directoryFromConfig(config);
  const configured = new Set(['zalo', 'sms', 'email', 'webhook'] as const);
  const incident = (over: Partial<Incident>): Incident => ({
    id: 1, scope: 'camera', camera_id: 'a1', unit_id: 'area-a1', group_id: null, kind: 'offline', detail: null, opened_at: 0, acknowledged_at: null, acknowledged_by: null,
    resolved_at: null, resolved_by: null, first_check_id: null, last_check_id: null, evidence_path: null, contractor_id: 'ct', ...over,
  });
  const who = (r: ReturnType<typeof route>) => r.recipients.map((x) => `${x.reason}:${x.person.name}:${x.channels.join('+')}`);

  it('walks up to the nearest chief; contractor for hardware faults only; owner of a school camera', () => {
    expect(who(route({ incident: incident({}), kind: 'opened', directory, configured }))).toEqual([
      'chief:Trưởng CA xã Tuy Phước:zalo+sms+email',
      'contractor:Kỹ thuật ABC:sms+email',
    ]);
    expect(who(route({ incident: incident({ kind: 'auth_failed' }), kind: 'opened', directory, configured }))).toEqual(['chief:Trưởng CA xã Tuy Phước:zalo+sms+email']);
    expect(who(route({ incident: incident({ camera_id: 'a3', unit_id: 'commune-a', contractor_id: null, kind: 'image:dark' }), kind: 'opened', directory, configured }))).toEqual([
      'chief:Trưởng CA xã Tuy Phước:zalo+sms+email',
      'owner:Trường THCS Tuy Phước:zalo+sms',
    ]);
  });

  it('grouped members are silent; groups go to the chief; server incidents to administrators only', () => {
    expect(route({ incident: incident({ group_id: 9 }), kind: 'opened', directory, configured }).recipients).toEqual([]);
    expect(who(route({ incident: incident({ scope: 'unit', camera_id: null, unit_id: 'commune-g', kind: 'power_or_network', contractor_id: null }), kind: 'opened', directory, configured }))).toEqual([
      'chief:Trưởng CA xã Phước An:zalo+sms+email',
    ]);
    expect(who(route({ incident: incident({ scope: 'server', camera_id: null, unit_id: null, kind: 'server_network' }), kind: 'opened', directory, configured }))).toEqual(['admin:Quản trị:email']);
  });

  it('escalates to the People’s Committee and the police of the unit above; repair breach also to chief and contractor', () => {
    expect(who(route({ incident: incident({}), kind: 'escalation', reason: 'unacknowledged', directory, configured }))).toEqual([
      'escalation:UBND xã Tuy Phước:email',
      'escalation:Phòng PV06:email',
    ]);
    expect(who(route({ incident: incident({}), kind: 'escalation', reason: 'repair_breach', directory, configured }))).toHaveLength(4);
    expect(who(route({ incident: incident({}), kind: 'reminder', directory, configured }))).toEqual(['chief:Trưởng CA xã Tuy Phước:zalo+sms+email']);
  });

  it('respects a contact’s own channel list', () => {
    expect(who(route({ incident: incident({ camera_id: 'b2', unit_id: 'commune-b', contractor_id: null }), kind: 'opened', directory, configured }))).toEqual(['chief:Trưởng CA xã Phước Lộc:email']);
  });
});
