/**
 * Typed adapter over the untyped, callback-based `onvif` client. Every call runs under our own
 * deadline (the client would wait 120 s). The call order is chosen for lockout safety: the only
 * authenticated call before we know the password works is GetDeviceInformation, so a wrong
 * password costs exactly one failed login per check (cameras lock after 5 in 30 s).
 */
import http from 'node:http';
import type net from 'node:net';
import onvif from 'onvif';
import { z } from 'zod';
import { redactSecrets } from '../redact.js';
import { ProbeFailure, withDeadline } from './outcome.js';

export interface OnvifTarget {
  host: string;
  port: number;
  username: string;
  password: string;
}

export interface DeviceInfo {
  manufacturer: string;
  model: string;
  firmware: string;
  serial: string;
  /** camera clock minus our clock, seconds */
  clockDriftS: number;
  profileToken: string;
  encoding?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  streamUri?: string | undefined;
  snapshotUri?: string | undefined;
  /** The smallest other profile still wide enough for the image analysis (see SUBSTREAM_MIN_WIDTH). */
  subStream?: { uri: string; width: number; height: number } | undefined;
}

/**
 * A substream narrower than this is not used for image checks: the image analysis and the
 * evidence JPEG work at 640 px wide (ANALYSIS_WIDTH in src/quality/metrics.ts), so a substream at
 * least as wide gives the same picture for a fraction of the decoding, and a narrower one would
 * change every sharpness figure.
 */
export const SUBSTREAM_MIN_WIDTH = 640;

type Callback<T> = (error: Error | null, data?: T) => void;
interface CamLike {
  getSystemDateAndTime(cb: Callback<Date>): void;
  getDeviceInformation(cb: Callback<unknown>): void;
  getCapabilities(cb: Callback<unknown>): void;
  getProfiles(cb: Callback<unknown>): void;
  getStreamUri(options: { protocol: string; profileToken: string }, cb: Callback<unknown>): void;
  getSnapshotUri(options: { profileToken: string }, cb: Callback<unknown>): void;
}

// Run-time checks of what the client parsed out of the camera's XML: firmware varies wildly.
const deviceInformation = z.object({
  manufacturer: z.coerce.string().default(''),
  model: z.coerce.string().default(''),
  firmwareVersion: z.coerce.string().default(''),
  serialNumber: z.coerce.string().default(''),
});
const uriAnswer = z.object({ uri: z.string().min(1) });
const profile = z.object({
  $: z.object({ token: z.string() }),
  videoEncoderConfiguration: z
    .object({
      encoding: z.string().optional(),
      resolution: z.object({ width: z.coerce.number(), height: z.coerce.number() }).optional(),
    })
    .optional(),
});

const AUTH_FAULT = /NotAuthorized|not authori[sz]ed|Digest authentication failed|401|Unauthorized|Sender not Authorized/i;
const NETWORK = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ECONNRESET|EPIPE|socket hang up/i;

function classify(error: Error, step: string, secrets: string[]): ProbeFailure {
  const message = redactSecrets(error.message, secrets);
  if (AUTH_FAULT.test(message)) return new ProbeFailure('auth_failed', 'onvif', `${step}: the camera refused the user/password (${message.slice(0, 120)})`);
  if (/Network timeout/i.test(message)) return new ProbeFailure('timeout', 'onvif', `${step}: no answer in time`);
  if (NETWORK.test(message)) return new ProbeFailure('unreachable', 'onvif', `${step}: ${message.slice(0, 160)}`);
  return new ProbeFailure('onvif_error', 'onvif', `${step}: ${message.slice(0, 200)}`);
}

function call<T>(step: string, secrets: string[], invoke: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      invoke((error, data) => (error ? reject(classify(error, step, secrets)) : resolve(data as T)));
    } catch (error) {
      reject(classify(error as Error, step, secrets));
    }
  });
}

/**
 * Cameras behind NAT or a 4G router announce their LAN address; we reach them at the configured
 * host. The announced host is replaced by it (credentials then go only where the admin pointed),
 * and only the expected schemes are accepted. A camera whose stream really lives elsewhere (an
 * NVR) gets rtsp_url / snapshot_url in the config.
 */
export function reachableUri(announced: string, host: string, schemes: readonly string[]): string | undefined {
  try {
    const url = new URL(announced);
    if (!schemes.includes(url.protocol)) return undefined;
    url.hostname = host;
    return url.toString();
  } catch {
    return undefined;
  }
}

/**
 * ONVIF answers are a few kilobytes. A larger one is a broken or hostile camera: the `onvif`
 * client would buffer it whole and parse it on this event loop (10 MB of nested XML blocked it
 * for 5 s), so the socket is cut as soon as the answer passes this size.
 */
export const MAX_ONVIF_ANSWER_BYTES = 2 * 1024 * 1024;

function boundedAgent(): http.Agent {
  const agent = new http.Agent({ keepAlive: false });
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => net.Socket;
  (agent as unknown as { createConnection: (...args: unknown[]) => net.Socket }).createConnection = (...args: unknown[]) => {
    const socket = create(...args);
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_ONVIF_ANSWER_BYTES) socket.destroy(new Error(`the answer is larger than ${MAX_ONVIF_ANSWER_BYTES} bytes`));
    });
    return socket;
  };
  return agent;
}

/** The narrowest of these profiles that is at least SUBSTREAM_MIN_WIDTH wide and narrower than the main one. */
function smallestUsable(candidates: unknown[], mainWidth: number | undefined): { token: string; width: number; height: number } | undefined {
  let best: { token: string; width: number; height: number } | undefined;
  for (const candidate of candidates) {
    const parsed = profile.safeParse(candidate);
    const resolution = parsed.data?.videoEncoderConfiguration?.resolution;
    if (!parsed.success || !resolution || resolution.width < SUBSTREAM_MIN_WIDTH || (mainWidth !== undefined && resolution.width >= mainWidth)) continue;
    if (!best || resolution.width < best.width) best = { token: parsed.data.$.token, width: resolution.width, height: resolution.height };
  }
  return best;
}

/** The `onvif` client for one camera, not yet connected, bounded in time and answer size; typed by the caller's use. */
export function onvifClient<T>(target: OnvifTarget, deadlineMs: number): T {
  return new onvif.Cam({
    hostname: target.host,
    port: target.port,
    username: target.username,
    password: target.password,
    timeout: deadlineMs,
    autoconnect: false,
    // Cameras behind NAT or a 4G router advertise addresses we cannot reach; keep ours.
    preserveAddress: true,
    agent: boundedAgent(),
  }) as unknown as T;
}

export async function queryDevice(target: OnvifTarget, deadlineMs: number, now: () => number = Date.now): Promise<DeviceInfo> {
  const secrets = [target.password];
  const cam = onvifClient<CamLike>(target, deadlineMs);

  const work = (async () => {
    const cameraTime = await call<Date>('GetSystemDateAndTime', secrets, (cb) => cam.getSystemDateAndTime(cb));
    const clockDriftS = cameraTime instanceof Date ? Math.round((cameraTime.getTime() - now()) / 1000) : 0;
    const info = deviceInformation.safeParse(await call('GetDeviceInformation', secrets, (cb) => cam.getDeviceInformation(cb)));
    if (!info.success) throw new ProbeFailure('onvif_error', 'onvif', 'GetDeviceInformation: malformed answer');
    await call('GetCapabilities', secrets, (cb) => cam.getCapabilities(cb));
    const profiles = await call<unknown>('GetProfiles', secrets, (cb) => cam.getProfiles(cb));
    const listed = Array.isArray(profiles) ? profiles : [profiles];
    const first = profile.safeParse(listed[0]);
    if (!first.success) throw new ProbeFailure('onvif_error', 'onvif', 'GetProfiles: no usable media profile');
    const profileToken = first.data.$.token;
    const stream = uriAnswer.safeParse(await call('GetStreamUri', secrets, (cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken }, cb)));
    if (!stream.success) throw new ProbeFailure('onvif_error', 'onvif', 'GetStreamUri: no URI in the answer');
    // Snapshot support is optional in Profile S: its absence is not a fault.
    const snapshot = await call('GetSnapshotUri', secrets, (cb) => cam.getSnapshotUri({ profileToken }, cb)).then(
      (answer) => uriAnswer.safeParse(answer).data?.uri,
      () => undefined,
    );
    const encoder = first.data.videoEncoderConfiguration;
    const sub = smallestUsable(listed.slice(1), encoder?.resolution?.width);
    // A substream whose URI cannot be had is no fault: image checks then use the main stream.
    const subAnswer = sub && uriAnswer.safeParse(await call('GetStreamUri', secrets, (cb) => cam.getStreamUri({ protocol: 'RTSP', profileToken: sub.token }, cb)).catch(() => undefined));
    const subUri = subAnswer?.success ? reachableUri(subAnswer.data.uri, target.host, ['rtsp:', 'rtsps:']) : undefined;
    return {
      manufacturer: info.data.manufacturer,
      model: info.data.model,
      firmware: info.data.firmwareVersion,
      serial: info.data.serialNumber,
      clockDriftS,
      profileToken,
      encoding: encoder?.encoding,
      width: encoder?.resolution?.width,
      height: encoder?.resolution?.height,
      streamUri: reachableUri(stream.data.uri, target.host, ['rtsp:', 'rtsps:']),
      snapshotUri: snapshot ? reachableUri(snapshot, target.host, ['http:', 'https:']) : undefined,
      subStream: sub && subUri ? { uri: subUri, width: sub.width, height: sub.height } : undefined,
    };
  })();
  return withDeadline(work, deadlineMs, () => new ProbeFailure('timeout', 'onvif', `no complete ONVIF answer within ${deadlineMs} ms`));
}
