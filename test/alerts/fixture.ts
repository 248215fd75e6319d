/** A fleet with contacts, local fake gateways (node:http) and a real SMTP server, for the alert tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { parseConfig } from '../../src/config/load.js';
import { channelSchemas } from '../../src/alerts/channels/index.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { fleetFromConfig } from '../../src/inventory/fleet.js';
import { openStore } from '../../src/store/db.js';
import { HealthEngine, type ImageVerdict } from '../../src/health/engine.js';
import type { CheckResult } from '../../src/probe/check.js';
import type { FailureKind } from '../../src/probe/outcome.js';
import { startAlerts } from '../../src/app/alerts.js';
import type { AppContext } from '../../src/app/context.js';
import { createLogger } from '../../src/log.js';
import type { Dispatcher } from '../../src/alerts/dispatcher.js';

export const MINUTE = 60_000;
/** 2026-01-05 00:00 UTC = 07:00 in Hà Nội */
export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: any;
}

/** One HTTP server playing Zalo (OAuth + ZNS), an eSMS-like gateway, a webhook receiver and Telegram. */
export class FakeGateways {
  server = http.createServer((req, res) => this.handle(req, res));
  received: Received[] = [];
  down = new Set<string>(); // 'zalo' | 'sms' | 'webhook' | 'telegram'
  /** eSMS drops a RequestId it has seen */
  seenSms = new Set<string>();
  accessToken = 'A0';
  refreshToken = 'R0';
  refreshes: string[] = [];
  private counter = 0;
  port = 0;
  delayMs = 0;

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }
  get base() {
    return `http://127.0.0.1:${this.port}`;
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  of(path: string) {
    return this.received.filter((r) => r.path.startsWith(path));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = Buffer.concat(chunks).toString('utf8');
      const service = path.split('/')[1] ?? '';
      if (this.down.has(service)) {
        req.socket.destroy();
        return;
      }
      let json: any;
      try {
        json = body && (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const reply = (status: number, answer: unknown) => {
        const send = () => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(answer));
        };
        if (this.delayMs) setTimeout(send, this.delayMs);
        else send();
      };
      if (path === '/zalo-oauth') {
        const form = new URLSearchParams(body);
        this.refreshes.push(form.get('refresh_token') ?? '');
        if (req.headers.secret_key !== 'app-secret' || form.get('refresh_token') !== this.refreshToken) return reply(200, { error: -14014, error_name: 'Invalid refresh token' });
        this.counter++;
        this.accessToken = `A${this.counter}`;
        this.refreshToken = `R${this.counter}`;
        return reply(200, { access_token: this.accessToken, refresh_token: this.refreshToken, expires_in: '3600' });
      }
      if (path === '/zalo/message/template') {
        if (req.headers.access_token !== this.accessToken) return reply(200, { error: -124, message: 'Access token is invalid' });
        this.received.push({ path, headers: req.headers, body, json });
        return reply(200, { error: 0, message: 'Success', data: { msg_id: `z${this.received.length}` } });
      }
      this.received.push({ path, headers: req.headers, body, json });
      if (path.startsWith('/sms')) {
        const duplicate = this.seenSms.has(json?.RequestId);
        this.seenSms.add(json?.RequestId);
        return reply(200, duplicate ? { CodeResult: '100', SMSID: 'dup', ErrorMessage: 'duplicate RequestId ignored' } : { CodeResult: '100', SMSID: `s${this.seenSms.size}` });
      }
      if (path.startsWith('/telegram')) return reply(200, { ok: true, result: { message_id: this.received.length } });
      return reply(200, { ok: true });
    });
  }
}

export class Smtp {
  mails: ParsedMail[] = [];
  port = 0;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      simpleParser(stream)
        .then((mail) => {
          this.mails.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }
  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export const CHIEF_A = '0912000001';
export const CHIEF_G = '0912000007';
export const CONTRACTOR_PHONE = '0988000001';

export function fleetYaml(gateways: { base: string }, smtpPort: number, extraAlerts = '') {
  const gCameras = Array.from({ length: 20 }, (_, i) => `  - { id: g${i + 1}, name: Camera G${i + 1}, unit: commune-g, contractor: ct, onvif: { host: 10.1.0.${i + 1}, password_env: PW } }`);
  return `
version: 1
units:
  - id: province
    name: tỉnh Gia Lai
    kind: province
    contacts:
      - { name: Phòng PV06, role: police, email: pv06@example.vn }
    children:
      - id: commune-a
        name: xã Tuy Phước
        kind: commune
        contacts:
          - { name: Trưởng CA xã Tuy Phước, role: police_chief, phone: "${CHIEF_A}", email: chief-a@example.vn }
          - { name: UBND xã Tuy Phước, role: people_committee, email: ubnd-a@example.vn }
        children:
          - { id: area-a1, name: thôn Phú Mỹ, kind: area }
      - id: commune-b
        name: xã Phước Lộc
        kind: commune
        contacts:
          - { name: Trưởng CA xã Phước Lộc, role: police_chief, phone: "0912000002", email: chief-b@example.vn, channels: [email] }
      - id: commune-g
        name: xã Phước An
        kind: commune
        contacts:
          - { name: Trưởng CA xã Phước An, role: police_chief, phone: "${CHIEF_G}", email: chief-g@example.vn }
contractors:
  - id: ct
    name: Công ty Viễn thông ABC
    contract: { acknowledge_hours: 4, repair_hours: 48 }
    contacts:
      - { name: Kỹ thuật ABC, role: other, phone: "${CONTRACTOR_PHONE}", email: repair@abc.vn, channels: [sms, email] }
cameras:
  - { id: a1, name: Ngã ba Diêu Trì, unit: area-a1, location: QL1A km 1230, lat: 13.8123, lon: 109.1456, contractor: ct, onvif: { host: 10.0.0.1, password_env: PW } }
  - { id: a2, name: Chợ Tuy Phước, unit: commune-a, contractor: ct, onvif: { host: 10.0.0.2, password_env: PW } }
  - { id: a3, name: Trường THCS, unit: commune-a, owner_type: school, owner: { name: Trường THCS Tuy Phước, phone: "0905000003", consent: true }, onvif: { host: 10.0.0.3, password_env: PW } }
  - { id: b1, name: Cầu Phước Lộc, unit: commune-b, contractor: ct, onvif: { host: 10.0.0.4, password_env: PW } }
  - { id: b2, name: UBND Phước Lộc, unit: commune-b, onvif: { host: 10.0.0.5, password_env: PW } }
  - { id: b3, name: Chợ Phước Lộc, unit: commune-b, onvif: { host: 10.0.0.6, password_env: PW } }
  - { id: b4, name: Bến xe, unit: commune-b, onvif: { host: 10.0.0.7, password_env: PW } }
  - { id: b5, name: Trạm y tế, unit: commune-b, onvif: { host: 10.0.0.8, password_env: PW } }
${gCameras.join('\n')}
alerts:
  public_url: https://camwatch.example.vn
  escalate_after_minutes: 60
  reminder_minutes: 30
  administrators:
    - { name: Quản trị, role: it_officer, email: admin@example.vn }
  channels:
    zalo:
      base_url: ${gateways.base}/zalo
      oauth_url: ${gateways.base}/zalo-oauth
      app_id: "123"
      secret_key_env: ZALO_SECRET
      refresh_token_env: ZALO_REFRESH
      templates: { opened: "1001", recovery: "1002", reminder: "1003", escalation: "1004" }
    sms:
      preset: esms
      url: ${gateways.base}/sms
      vars: { brandname: CAMWATCH }
    email:
      host: 127.0.0.1
      port: ${smtpPort}
      require_tls: false
      from: camwatch <camwatch@example.vn>
    webhook:
      url: ${gateways.base}/webhook
      secret_env: HOOK_SECRET
    telegram:
      base_url: ${gateways.base}/telegram
      token_env: TG_TOKEN
      chat_ids: [-100123]
${extraAlerts}`;
}

export const ENV = { PW: 'pw', ZALO_SECRET: 'app-secret', ZALO_REFRESH: 'R0', ESMS_API_KEY: 'key', ESMS_SECRET_KEY: 'secret', HOOK_SECRET: 'hook', TG_TOKEN: '42:abc' };

export async function setupAlerts(yaml: string, start = T0, file = ':memory:') {
  const config = parseConfig(yaml, '/tmp/alerts-test/camwatch.yaml', ENV, { channels: channelSchemas() });
  const { db } = await openStore(file);
  await syncInventory(db, config, 0);
  const clock = { now: start };
  const now = () => clock.now;
  const app = { config, db, dbPath: file, ffmpeg: { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe', source: 'test' }, sync: {}, evidenceDir: '/tmp' } as unknown as AppContext;
  const log = createLogger({ level: 'silent' });
  const alerts = startAlerts(app, log, { now, env: ENV, autoStart: false });
  const engine = new HealthEngine(db, fleetFromConfig(config), {
    health: config.raw.health,
    timeZone: 'Asia/Ho_Chi_Minh',
    holdMs: 3 * MINUTE,
    onEvent: (event) => alerts.onHealthEvent(event),
  });
  const check = async (cameraId: string, at: number, failure?: FailureKind, image?: ImageVerdict, evidence?: string) => {
    clock.now = Math.max(clock.now, at);
    return await engine.record(
      {
        cameraId, kind: 'image', startedAt: at, durationMs: 100, status: failure ? 'fail' : 'ok', warnings: [], stages: {},
        ...(failure ? { failure: { kind: failure, stage: 'reach' as const, detail: `${failure} detail` } } : {}),
      } satisfies CheckResult,
      image,
      evidence,
    );
  };
  const dispatcher = alerts.dispatcher as Dispatcher;
  const tick = async (at?: number) => {
    if (at !== undefined) clock.now = Math.max(clock.now, at);
    return dispatcher.tick();
  };
  return { db, config, clock, check, tick, dispatcher, alerts, engine };
}
