/**
 * The camera simulator against real clients: real sockets, real ffmpeg, the real `onvif` client,
 * sharp to measure pictures. One fleet for the whole file; each test puts its faults back.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { Cam } from 'onvif';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateFfmpeg, runningProcessCount, runProcess } from '../../src/probe/ffmpeg.js';
import { digestAuthorization, httpGetDigest, startFleet, type CameraFleet, type SimulatedCamera } from '../../src/simulator/index.js';

const USER = 'admin';
const PASSWORD = 'S3cret-pw';
const creds = { username: USER, password: PASSWORD };

let fleet: CameraFleet;
let ffmpeg: string;

beforeAll(async () => {
  ffmpeg = locateFfmpeg().ffmpeg;
  fleet = await startFleet({ count: 3, password: PASSWORD });
});

afterAll(async () => {
  await fleet?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function withCredentials(rtspUrl: string, username: string, password: string): string {
  const url = new URL(rtspUrl);
  url.username = username;
  url.password = password;
  return url.toString();
}

async function grabFrame(camera: SimulatedCamera, password = PASSWORD, deadlineMs = 8000) {
  const started = performance.now();
  const result = await runProcess(
    ffmpeg,
    ['-hide_banner', '-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', withCredentials(camera.rtspUrl, USER, password), '-frames:v', '1', '-f', 'image2', '-c:v', 'mjpeg', '-'],
    { deadlineMs },
  );
  return { ...result, elapsedMs: performance.now() - started };
}

async function luma(jpeg: Buffer) {
  const stats = await sharp(jpeg).greyscale().stats();
  const channel = stats.channels[0]!;
  return { mean: channel.mean, stdev: channel.stdev };
}

/** Spread (stdev) of the grey-level Laplacian: high for a sharp or noisy picture, low for a blurred one. */
async function sharpness(jpeg: Buffer): Promise<number> {
  const { data, info } = await sharp(jpeg).greyscale().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const i = y * width + x;
      const v = (data[i - 1] ?? 0) + (data[i + 1] ?? 0) + (data[i - width] ?? 0) + (data[i + width] ?? 0) - 4 * (data[i] ?? 0);
      sum += v;
      sumSq += v * v;
      n += 1;
    }
  }
  return Math.sqrt(sumSq / n - (sum / n) ** 2);
}

/** Mean absolute difference of two pictures' grey levels, at 160x90. */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const small = (jpeg: Buffer) => sharp(jpeg).greyscale().resize(160, 90, { fit: 'fill' }).raw().toBuffer();
  const [pa, pb] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i += 1) sum += Math.abs((pa[i] ?? 0) - (pb[i] ?? 0));
  return sum / pa.length;
}

async function snapshot(camera: SimulatedCamera): Promise<Buffer> {
  const res = await httpGetDigest(camera.snapshotUrl, creds);
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('image/jpeg');
  return res.body;
}

const sha = (buf: Buffer) => createHash('sha256').update(buf).digest('hex');

function onvifCam(camera: SimulatedCamera, password = PASSWORD): Cam {
  return new Cam({ hostname: camera.host, port: camera.httpPort, username: USER, password, timeout: 5000, autoconnect: false });
}

function call<T>(fn: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))));
}

const connect = (cam: Cam) => call<unknown>((cb) => cam.connect((err) => cb(err ?? null, undefined)));

/** A minimal RTSP exchange on one TCP connection: send requests, read responses (no RTP). */
class RtspTalk {
  private buffer = '';
  private waiting: (() => void) | undefined;
  private cseq = 0;
  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }
  static open(port: number): Promise<RtspTalk> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RtspTalk(socket)));
      socket.once('error', reject);
    });
  }
  async request(method: string, url: string, headers: Record<string, string> = {}, timeoutMs = 3000) {
    this.cseq += 1;
    const lines = [`${method} ${url} RTSP/1.0`, `CSeq: ${this.cseq}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end >= 0 && this.buffer.startsWith('RTSP/1.0')) {
        const head = this.buffer.slice(0, end);
        const headerMap = new Map<string, string>();
        for (const line of head.split('\r\n').slice(1)) {
          const colon = line.indexOf(':');
          headerMap.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        const length = Number(headerMap.get('content-length') ?? 0);
        if (this.buffer.length >= end + 4 + length) {
          const body = this.buffer.slice(end + 4, end + 4 + length);
          this.buffer = this.buffer.slice(end + 4 + length);
          return { status: Number(head.split(' ')[1]), headers: headerMap, body };
        }
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no RTSP answer');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
  close() {
    this.socket.destroy();
  }
}

function tcpConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with whatever arrives on the socket within `ms` (empty string when silent). */
function readFor(socket: net.Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    socket.on('data', (chunk: Buffer) => (got += chunk.toString('latin1')));
    setTimeout(() => resolve(got), ms);
  });
}

describe('camera simulator', () => {
  it('starts a fleet with ids, distinct ports and URLs', () => {
    expect(fleet.cameras.map((c) => c.id)).toEqual(['sim-001', 'sim-002', 'sim-003']);
    const ports = fleet.cameras.flatMap((c) => [c.httpPort, c.rtspPort]);
    expect(new Set(ports).size).toBe(6);
    const cam = fleet.camera('sim-002');
    expect(cam.onvifUrl).toBe(`http://127.0.0.1:${cam.httpPort}/onvif/device_service`);
    expect(cam.rtspUrl).toBe(`rtsp://127.0.0.1:${cam.rtspPort}/stream1`);
    expect(cam.snapshotUrl).toBe(`http://127.0.0.1:${cam.httpPort}/snapshot.jpg`);
    expect(cam.fault).toBe('none');
    expect(() => fleet.camera('nope')).toThrow();
  });

  it('talks ONVIF with the real onvif client', async () => {
    const camera = fleet.cameras[0]!;
    const cam = onvifCam(camera);
    await connect(cam);
    expect(cam.activeSource?.width).toBe(640);
    expect(cam.activeSource?.height).toBe(360);
    expect(cam.activeSource?.encoding).toBe('H264');
    const info = await call<Record<string, unknown>>((cb) => cam.getDeviceInformation((err, value) => cb(err, value as unknown as Record<string, unknown>)));
    expect(info).toMatchObject({ manufacturer: 'Camwatch Simulator', model: 'SIM-IPC-640', serialNumber: 'CWSIM001' });
    expect(info.firmwareVersion).toBeTruthy();
    expect(info.hardwareId).toBeTruthy();
    const stream = await call<{ uri: string }>((cb) => cam.getStreamUri({ protocol: 'RTSP' }, cb));
    expect(stream.uri).toBe(camera.rtspUrl);
    const snap = await call<{ uri: string }>((cb) => cam.getSnapshotUri(cb));
    expect(snap.uri).toBe(camera.snapshotUrl);
  });

  it('streams H.264 over RTSP/TCP that ffmpeg decodes, joining mid-stream', async () => {
    const grab = await grabFrame(fleet.cameras[0]!);
    expect(grab.ok, grab.stderr).toBe(true);
    // A keyframe every 2 s plus ffmpeg's own stream probing (7 + 20 frames at 15 fps).
    expect(grab.elapsedMs).toBeLessThan(5000);
    const meta = await sharp(grab.stdout).metadata();
    expect([meta.width, meta.height]).toEqual([640, 360]);
    const { mean, stdev } = await luma(grab.stdout);
    expect(mean).toBeGreaterThan(40);
    expect(stdev).toBeGreaterThan(20); // a photo, not a grey decoder smear
  });

  it('speaks RTSP: Digest and Basic auth, SDP, 404, 461 for UDP', async () => {
    const camera = fleet.cameras[1]!;
    const url = camera.rtspUrl;
    const talk = await RtspTalk.open(camera.rtspPort);
    try {
      const options = await talk.request('OPTIONS', url);
      expect(options.status).toBe(200);
      expect(options.headers.get('public')).toContain('DESCRIBE');
      const anonymous = await talk.request('DESCRIBE', url, { Accept: 'application/sdp' });
      expect(anonymous.status).toBe(401);
      const challenge = anonymous.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^Digest /);
      const wrong = await talk.request('DESCRIBE', url, { Authorization: digestAuthorization(challenge, { method: 'DESCRIBE', uri: url, username: USER, password: 'nope' }) });
      expect(wrong.status).toBe(401);
      const described = await talk.request('DESCRIBE', url, { Authorization: digestAuthorization(challenge, { method: 'DESCRIBE', uri: url, ...creds }) });
      expect(described.status).toBe(200);
      expect(described.headers.get('content-type')).toBe('application/sdp');
      expect(described.body).toContain('a=rtpmap:96 H264/90000');
      expect(described.body).toMatch(/packetization-mode=1/);
      expect(described.body).toMatch(/sprop-parameter-sets=Z[A-Za-z0-9+/=]+,aM[A-Za-z0-9+/=]+/);
      const basic = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
      expect((await talk.request('DESCRIBE', url, { Authorization: basic })).status).toBe(200);
      expect((await talk.request('DESCRIBE', url.replace('/stream1', '/nothing'), { Authorization: basic })).status).toBe(404);
      const udp = await talk.request('SETUP', `${url}/track1`, { Authorization: basic, Transport: 'RTP/AVP;unicast;client_port=5000-5001' });
      expect(udp.status).toBe(461);
      const tcp = await talk.request('SETUP', `${url}/track1`, { Authorization: basic, Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
      expect(tcp.status).toBe(200);
      expect(tcp.headers.get('transport')).toContain('interleaved=0-1');
      const session = (tcp.headers.get('session') ?? '').split(';')[0]!;
      expect(session).not.toBe('');
      const keepalive = await talk.request('GET_PARAMETER', url, { Authorization: basic, Session: session });
      expect(keepalive.status).toBe(200);
      const teardown = await talk.request('TEARDOWN', url, { Authorization: basic, Session: session });
      expect(teardown.status).toBe(200);
    } finally {
      talk.close();
    }
  });

  it('protects the snapshot with HTTP Digest and serves changing JPEGs', async () => {
    const camera = fleet.cameras[0]!;
    const anonymous = await httpGetDigest(camera.snapshotUrl, undefined);
    expect(anonymous.status).toBe(401);
    expect(String(anonymous.headers['www-authenticate'])).toMatch(/^Digest .*qop="auth"/);
    expect((await httpGetDigest(camera.snapshotUrl, { username: USER, password: 'wrong' })).status).toBe(401);
    const first = await snapshot(camera);
    expect(first.subarray(0, 2).toString('hex')).toBe('ffd8');
    await sleep(600);
    const second = await snapshot(camera);
    expect(sha(first)).not.toBe(sha(second));
  });

  it('verifies WS-Security digests and answers unknown actions with a fault', async () => {
    const camera = fleet.cameras[0]!;
    const post = async (xml: string) => {
      const res = await fetch(camera.onvifUrl, { method: 'POST', headers: { 'Content-Type': 'application/soap+xml; charset=utf-8' }, body: xml });
      return { status: res.status, body: await res.text() };
    };
    const envelope = (header: string, body: string) =>
      `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
    const token = (password: string) => {
      const nonce = randomBytes(16);
      const created = new Date().toISOString();
      const digest = createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)])).digest('base64');
      return (
        '<Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken>' +
        `<Username>${USER}</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</Password>` +
        `<Nonce>${nonce.toString('base64')}</Nonce><Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">${created}</Created></UsernameToken></Security>`
      );
    };
    const info = '<GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/>';
    expect((await post(envelope(token(PASSWORD), info))).status).toBe(200);
    const bad = await post(envelope(token('guess'), info));
    expect(bad.status).toBe(400);
    expect(bad.body).toContain('ter:NotAuthorized');
    const none = await post(envelope('', info));
    expect(none.status).toBe(401);
    const time = await post(envelope('', '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    expect(time.status).toBe(200);
    expect(time.body).toContain('UTCDateTime');
    const unknown = await post(envelope(token(PASSWORD), '<FlyToTheMoon xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    expect(unknown.status).toBeGreaterThanOrEqual(400);
    expect(unknown.body).toContain('ter:ActionNotSupported');
  });

  it('wrong_password: ONVIF, RTSP and snapshot all refuse the old password', async () => {
    const camera = fleet.cameras[2]!;
    await camera.setFault('wrong_password');
    try {
      expect(camera.fault).toBe('wrong_password');
      const cam = onvifCam(camera);
      await expect(connect(cam)).rejects.toThrow(/not ?authorized/i);
      // GetSystemDateAndTime needs no credentials, as on real cameras.
      const date = await call<Date>((cb) => cam.getSystemDateAndTime(cb));
      expect(Math.abs(date.getTime() - Date.now())).toBeLessThan(5000);
      expect((await httpGetDigest(camera.snapshotUrl, creds)).status).toBe(401);
      const grab = await grabFrame(camera);
      expect(grab.ok).toBe(false);
      expect(grab.stderr).toMatch(/401/);
    } finally {
      await camera.setFault('none');
    }
    expect((await httpGetDigest(camera.snapshotUrl, creds)).status).toBe(200);
    await connect(onvifCam(camera));
  });

  it('offline: connections are refused, then the camera comes back on the same ports', async () => {
    const camera = fleet.cameras[2]!;
    const ports = [camera.httpPort, camera.rtspPort];
    await camera.setFault('offline');
    try {
      for (const port of ports) await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      await expect(connect(onvifCam(camera))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    } finally {
      await camera.setFault('none');
    }
    expect([camera.httpPort, camera.rtspPort]).toEqual(ports);
    expect((await httpGetDigest(camera.snapshotUrl, creds)).status).toBe(200);
  });

  it('hang: TCP is accepted on both ports but nothing is ever answered', async () => {
    const camera = fleet.cameras[2]!;
    await camera.setFault('hang');
    const sockets: net.Socket[] = [];
    try {
      const http = await tcpConnect(camera.httpPort);
      const rtsp = await tcpConnect(camera.rtspPort);
      sockets.push(http, rtsp);
      http.write(`GET /snapshot.jpg HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      rtsp.write(`OPTIONS ${camera.rtspUrl} RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
      const [httpGot, rtspGot] = await Promise.all([readFor(http, 1200), readFor(rtsp, 1200)]);
      expect(httpGot).toBe('');
      expect(rtspGot).toBe('');
      const cam = new Cam({ hostname: camera.host, port: camera.httpPort, username: USER, password: PASSWORD, timeout: 1000, autoconnect: false });
      await expect(connect(cam)).rejects.toThrow(/timeout/i);
    } finally {
      for (const s of sockets) s.destroy();
      await camera.setFault('none');
    }
    expect((await httpGetDigest(camera.snapshotUrl, creds)).status).toBe(200);
  });

  it('image faults change the snapshot picture', async () => {
    const camera = fleet.cameras[1]!;
    const shots: Record<string, Buffer> = {};
    for (const fault of ['none', 'dark', 'overexposed', 'covered', 'blurred', 'moved', 'noisy'] as const) {
      await camera.setFault(fault);
      shots[fault] = await snapshot(camera);
    }
    await camera.setFault('none');
    const normal = await luma(shots.none!);
    expect((await luma(shots.dark!)).mean).toBeLessThan(normal.mean * 0.5);
    expect((await luma(shots.overexposed!)).mean).toBeGreaterThan(Math.min(normal.mean * 1.5, 200));
    const covered = await luma(shots.covered!);
    expect(covered.mean).toBeLessThan(40);
    expect(covered.stdev).toBeLessThan(8);
    expect(await sharpness(shots.blurred!)).toBeLessThan((await sharpness(shots.none!)) * 0.6);
    expect(await sharpness(shots.noisy!)).toBeGreaterThan((await sharpness(shots.none!)) * 1.5);
    // Taken within a second of each other: a normal camera barely changes, a moved one a lot.
    const [a, b] = [await snapshot(camera), await snapshot(camera)];
    const drift = await difference(a, b);
    await camera.setFault('moved');
    const moved = await snapshot(camera);
    await camera.setFault('none');
    expect(await difference(moved, await snapshot(camera))).toBeGreaterThan(Math.max(15, drift * 3));
  });

  it('frozen: snapshots are byte-identical over time, the stream still flows', async () => {
    const camera = fleet.cameras[1]!;
    await camera.setFault('frozen');
    try {
      const first = await snapshot(camera);
      await sleep(700);
      const second = await snapshot(camera);
      expect(sha(first)).toBe(sha(second));
      const grab = await grabFrame(camera);
      expect(grab.ok, grab.stderr).toBe(true);
    } finally {
      await camera.setFault('none');
    }
  });

  it('image faults change the streamed picture too', async () => {
    const camera = fleet.cameras[1]!;
    const normal = await luma(await snapshot(camera));
    await camera.setFault('dark');
    try {
      const grab = await grabFrame(camera);
      expect(grab.ok, grab.stderr).toBe(true);
      expect((await luma(grab.stdout)).mean).toBeLessThan(normal.mean * 0.5);
    } finally {
      await camera.setFault('none');
    }
  });

  it('reports its clock with the configured offset; a stale WS-Security time is refused', async () => {
    const camera = fleet.cameras[0]!;
    const early = onvifCam(camera);
    await connect(early);
    camera.setClockOffset(3600);
    try {
      const cam = onvifCam(camera);
      const date = await call<Date>((cb) => cam.getSystemDateAndTime(cb));
      expect(Math.abs(date.getTime() - (Date.now() + 3600_000))).toBeLessThan(5000);
      // The client connected before the jump stamps its tokens with the old time.
      await expect(call((cb) => early.getDeviceInformation(cb))).rejects.toThrow(/not ?authorized/i);
      // A fresh connection learns the camera's time and works.
      await connect(cam);
      await call((cb) => cam.getDeviceInformation(cb));
    } finally {
      camera.setClockOffset(0);
    }
  });

  it('stop() closes every port and leaves no ffmpeg behind', async () => {
    const small = await startFleet({ count: 2, password: 'x', idPrefix: 'tmp' });
    expect(small.cameras[1]!.id).toBe('tmp-002');
    const ports = small.cameras.flatMap((c) => [c.httpPort, c.rtspPort]);
    // A client in the middle of a stream when the fleet stops.
    const talk = await RtspTalk.open(small.cameras[0]!.rtspPort);
    await small.stop();
    for (const port of ports) await expect(tcpConnect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    talk.close();
    expect(runningProcessCount()).toBe(0);
  });
});
