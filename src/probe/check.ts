/**
 * One check of one camera: a pure function of (target, credentials, limits) → observation.
 * It never touches the database, so it can run in a worker or on another machine later.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { queryDevice, type DeviceInfo } from './onvif.js';
import { ProbeFailure, type FailureKind, type Stage } from './outcome.js';
import { tcpReach } from './reach.js';
import { grabFrame, withCredentials, type StreamInfo } from './rtsp.js';
import { decodeKeyframe, sharedDecoderPool } from './decode.js';
import { fetchKeyframe, UnsupportedStream } from './rtsp-client.js';
import { openRtspRelay } from './rtsp-relay.js';
import { fetchSnapshot } from './snapshot.js';

/**
 * The two snapshots of a full check are taken at least this far apart. Cameras render a snapshot
 * at most once or twice a second and hand the same JPEG to every request until then (the
 * simulator at 2 a second): a stream grab quicker than that would otherwise fetch the same
 * picture twice and call a live camera frozen.
 */
export const SNAPSHOT_PAIR_GAP_MS = 1000;

/** full: everything (the CLI's check); image: a frame, cheapest way; stream: RTSP; device: ONVIF only */
export const CHECK_KINDS = ['full', 'image', 'stream', 'device'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export interface CameraTarget {
  id: string;
  host: string;
  onvifPort: number;
  username: string;
  password: string;
  rtspUrl?: string | undefined;
  snapshotUrl?: string | undefined;
  minResolution: { width: number; height: number };
}

export interface ProbeSettings {
  ffmpeg: string;
  tcpMs: number;
  onvifMs: number;
  rtspMs: number;
  snapshotMs: number;
  maxClockDriftS: number;
  evidenceWidth?: number;
  signal?: AbortSignal | undefined;
  /**
   * builtin: the in-process RTSP client fetches a keyframe and ffmpeg only decodes it from stdin,
   * with the ffmpeg path as the fallback for streams the client cannot read; ffmpeg: ffmpeg
   * opens every stream itself (through the relay).
   */
  streamClient?: StreamClient | undefined;
  /**
   * Image checks of a camera without a snapshot take their frame from the camera's substream when
   * it has one wide enough (DeviceInfo.subStream); the main stream's resolution is checked by the
   * stream checks. Default true.
   */
  imageFromSubStream?: boolean | undefined;
  /**
   * builtin only: pool (the default) decodes keyframes in long-lived ffmpeg processes, process
   * starts one ffmpeg per keyframe (the benchmark compares the two).
   */
  keyframeDecoder?: 'pool' | 'process' | undefined;
}

export const STREAM_CLIENTS = ['builtin', 'ffmpeg'] as const;
export type StreamClient = (typeof STREAM_CLIENTS)[number];

export interface Finding {
  kind: FailureKind;
  stage: Stage;
  detail: string;
}

export interface CheckResult {
  cameraId: string;
  kind: CheckKind;
  startedAt: number;
  durationMs: number;
  status: 'ok' | 'warn' | 'fail';
  failure?: Finding | undefined;
  warnings: Finding[];
  /** milliseconds spent in each stage that ran */
  stages: Partial<Record<Stage, number>>;
  device?: DeviceInfo | undefined;
  stream?: StreamInfo | undefined;
  /** where the frame came from, when one was taken */
  frameSource?: 'rtsp' | 'snapshot' | undefined;
  /** which path opened the stream; a camera that keeps needing the ffmpeg fallback says why in streamFallback */
  streamPath?: StreamClient | undefined;
  streamFallback?: string | undefined;
  /** which of the camera's streams the frame came from: the substream only ever for image checks */
  streamRole?: 'main' | 'sub' | undefined;
  /** JPEG evidence; the caller decides whether to keep it */
  frame?: Buffer | undefined;
  /**
   * A full check of a camera with a snapshot URL also takes two snapshots, one before and one
   * after the stream grab: two frames of one source seconds apart tell a frozen picture within
   * one check, and the stream frame between them tells a stale (cached) snapshot.
   */
  snapshots?: [Buffer, Buffer] | undefined;
}

async function timed<T>(stages: CheckResult['stages'], stage: Stage, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    stages[stage] = (stages[stage] ?? 0) + Math.round(performance.now() - started);
  }
}

/**
 * ffmpeg opens the stream through a loopback relay that adds the credentials, so the password
 * is never on its command line. rtsps:// cannot be relayed as plain TCP: there the URL carries
 * them, as before (README, security notes).
 */
async function grabThroughRelay(streamUrl: string, target: CameraTarget, settings: ProbeSettings) {
  const options = { ffmpeg: settings.ffmpeg, deadlineMs: settings.rtspMs, evidenceWidth: settings.evidenceWidth, signal: settings.signal };
  if (new URL(streamUrl).protocol !== 'rtsp:') return grabFrame(withCredentials(streamUrl, target.username, target.password), options);
  const relay = await openRtspRelay(streamUrl, { username: target.username, password: target.password });
  try {
    return await grabFrame(relay.url, options);
  } finally {
    relay.close();
  }
}

/**
 * The stream check: the in-process client when configured, ffmpeg for what it cannot read.
 * Only an UnsupportedStream falls back; a camera that fails (refused password, no keyframe) fails
 * here as it would in ffmpeg, without a second attempt that would double its failed logins.
 */
async function grabStream(streamUrl: string, target: CameraTarget, settings: ProbeSettings, result: CheckResult) {
  if ((settings.streamClient ?? 'builtin') === 'builtin') {
    const started = performance.now();
    result.streamPath = 'builtin';
    try {
      const keyframe = await fetchKeyframe(streamUrl, { username: target.username, password: target.password }, { deadlineMs: settings.rtspMs, signal: settings.signal });
      const left = Math.max(1000, settings.rtspMs - (performance.now() - started));
      const pool = settings.keyframeDecoder === 'process' ? undefined : sharedDecoderPool(settings.ffmpeg);
      return await decodeKeyframe(keyframe.codec, keyframe.accessUnit, { ffmpeg: settings.ffmpeg, deadlineMs: left, evidenceWidth: settings.evidenceWidth, signal: settings.signal, fps: keyframe.fps, pool });
    } catch (error) {
      if (!(error instanceof UnsupportedStream)) throw error;
      result.streamFallback = error.reason;
    }
  }
  result.streamPath = 'ffmpeg';
  return grabThroughRelay(streamUrl, target, settings);
}

function snapshotWarning(result: CheckResult, error: unknown): undefined {
  if (!(error instanceof ProbeFailure)) throw error;
  result.warnings.push({ kind: 'snapshot_failed', stage: 'snapshot', detail: `${error.kind}: ${error.detail}` });
  return undefined;
}

export async function checkCamera(
  target: CameraTarget,
  kind: CheckKind,
  settings: ProbeSettings,
  cachedDevice?: DeviceInfo,
  now: () => number = Date.now,
): Promise<CheckResult> {
  const startedAt = now();
  const started = performance.now();
  const result: CheckResult = { cameraId: target.id, kind, startedAt, durationMs: 0, status: 'ok', warnings: [], stages: {} };
  const credentials = { username: target.username, password: target.password };

  try {
    let device = cachedDevice;
    const needsDevice = kind === 'full' || kind === 'device' || (!device && !(kind === 'stream' ? target.rtspUrl : target.rtspUrl || target.snapshotUrl));
    if (needsDevice) {
      await timed(result.stages, 'reach', () => tcpReach(target.host, target.onvifPort, settings.tcpMs));
      device = await timed(result.stages, 'onvif', () => queryDevice({ host: target.host, port: target.onvifPort, ...credentials }, settings.onvifMs, now));
      result.device = device;
      if (Math.abs(device.clockDriftS) > settings.maxClockDriftS) {
        result.warnings.push({ kind: 'clock_drift', stage: 'onvif', detail: `camera clock is ${device.clockDriftS} s off` });
      }
    }
    if (kind === 'device') return result;

    const snapshotUrl = target.snapshotUrl ?? device?.snapshotUri;
    if (kind === 'image' && snapshotUrl) {
      result.frame = await timed(result.stages, 'snapshot', () => fetchSnapshot(snapshotUrl, { ...credentials, deadlineMs: settings.snapshotMs, signal: settings.signal }));
      result.frameSource = 'snapshot';
      return result;
    }

    // A configured stream URL is the one the admin wants checked; the substream comes from ONVIF.
    const subStream = kind === 'image' && !target.rtspUrl && (settings.imageFromSubStream ?? true) ? device?.subStream?.uri : undefined;
    const streamUrl = subStream ?? target.rtspUrl ?? device?.streamUri;
    if (!streamUrl) throw new ProbeFailure('no_stream', 'onvif', 'the camera gives no stream URI and none is configured');
    const snapshot = () => timed(result.stages, 'snapshot', () => fetchSnapshot(snapshotUrl!, { ...credentials, deadlineMs: settings.snapshotMs, signal: settings.signal }));
    // A broken snapshot URL does not fail a full check (the stream decides): it is a warning.
    const pairWanted = kind === 'full' && snapshotUrl !== undefined;
    const firstSnapshot = pairWanted ? await snapshot().catch((error: unknown) => snapshotWarning(result, error)) : undefined;
    const firstSnapshotAt = performance.now();
    if (kind === 'full') {
      // The RTSP port on its own: a closed port is told apart from a stream that does not play.
      const { hostname, port } = new URL(streamUrl);
      await timed(result.stages, 'rtsp_reach', () => tcpReach(hostname, Number(port || 554), settings.tcpMs, 'rtsp_reach'));
    }
    const grabbed = await timed(result.stages, 'rtsp', () => grabStream(streamUrl, target, settings, result));
    result.stream = grabbed.stream;
    result.frame = grabbed.jpeg;
    result.frameSource = 'rtsp';
    result.streamRole = subStream ? 'sub' : 'main';
    if (firstSnapshot) {
      const wait = SNAPSHOT_PAIR_GAP_MS - (performance.now() - firstSnapshotAt);
      // An abort ends the wait; the snapshot that follows then fails on the same signal.
      if (wait > 0) await sleep(wait, undefined, { signal: settings.signal }).catch(() => undefined);
      const secondSnapshot = await snapshot().catch((error: unknown) => snapshotWarning(result, error));
      if (secondSnapshot) result.snapshots = [firstSnapshot, secondSnapshot];
    }
    const { width, height } = target.minResolution;
    if (!subStream && (grabbed.stream.width < width || grabbed.stream.height < height)) {
      result.warnings.push({
        kind: 'low_resolution',
        stage: 'rtsp',
        detail: `stream is ${grabbed.stream.width}x${grabbed.stream.height}, below the minimum ${width}x${height}`,
      });
    }
    return result;
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    result.failure = { kind: error.kind, stage: error.stage, detail: error.detail };
    return result;
  } finally {
    result.durationMs = Math.round(performance.now() - started);
    result.status = result.failure ? 'fail' : result.warnings.length > 0 ? 'warn' : 'ok';
  }
}
