/**
 * One simulated camera: two TCP listeners (HTTP for ONVIF + snapshot, RTSP), its fault state and
 * clock offset. The listeners are plain net servers so the camera can refuse (offline) or accept
 * and ignore (hang) connections; healthy HTTP connections are handed to a node:http server that
 * never listens itself, RTSP connections to the camera's RtspServer.
 */
import http from 'node:http';
import net from 'node:net';
import type { Credentials } from './digest.js';
import type { PictureVariant, SceneMedia, VariantMedia } from './media.js';
import { ONVIF_DEVICE_PATH, OnvifService, SNAPSHOT_PATH, type DeviceInformation } from './onvif-service.js';
import { wallClockMs, type Pacer } from './pacer.js';
import type { RollingRecorder } from './recorder.js';
import { RTSP_REPLAY_PATH, RTSP_STREAM_PATH, RTSP_SUB_STREAM_PATH, RtspServer, type StreamRole } from './rtsp-server.js';

import { HOSTILE_FAULTS, hostileHttp, hostileRtsp, isHostile, type HostileFault } from './hostile.js';

export type SimulatedFault =
  | 'none'
  | 'offline'
  | 'hang'
  | 'wrong_password'
  | 'blurred'
  | 'dark'
  | 'overexposed'
  | 'frozen'
  | 'covered'
  | 'moved'
  | 'noisy'
  | 'colour_cast'
  | 'occluded'
  | HostileFault;

export const SIMULATED_FAULTS: readonly SimulatedFault[] = ['none', 'offline', 'hang', 'wrong_password', 'blurred', 'dark', 'overexposed', 'frozen', 'covered', 'moved', 'noisy', 'colour_cast', 'occluded', ...HOSTILE_FAULTS];

export interface SimulatedCamera {
  readonly id: string;
  readonly host: string;
  /** ONVIF device service + snapshot. */
  readonly httpPort: number;
  readonly rtspPort: number;
  /** http://host:port/onvif/device_service */
  readonly onvifUrl: string;
  /** rtsp://host:port/stream1 (no credentials) */
  readonly rtspUrl: string;
  readonly snapshotUrl: string;
  /** rtsp://host:port/stream2 when the fleet has a substream (FleetOptions.subStream) */
  readonly subStreamUrl: string | undefined;
  readonly fault: SimulatedFault;
  setFault(fault: SimulatedFault): Promise<void>;
  setClockOffset(seconds: number): void;
  /** refused logins so far (ONVIF, RTSP and snapshot together) */
  readonly failedLogins: number;
}

export interface CameraSettings {
  id: string;
  index: number;
  host: string;
  httpPort: number;
  rtspPort: number;
  username: string;
  password: string;
  scene: SceneMedia;
  /** The same scene at the substream's size, when the camera has a second profile. */
  subStream?: { scene: SceneMedia; width: number; height: number } | undefined;
  fps: number;
  frameCount: number;
  govLength: number;
  width: number;
  height: number;
  snapshotsPerSecond: number;
  /** whether the SDP carries sprop-parameter-sets (FleetOptions.sdpParameterSets) */
  sdpParameterSets: boolean;
  /** the camera's own recording (ONVIF Profile G), or undefined for a camera without one */
  recorder?: RollingRecorder | undefined;
}

function pictureOf(fault: SimulatedFault): PictureVariant {
  switch (fault) {
    case 'blurred':
    case 'dark':
    case 'overexposed':
    case 'frozen':
    case 'covered':
    case 'moved':
    case 'noisy':
    case 'colour_cast':
    case 'occluded':
      return fault;
    default:
      return 'normal';
  }
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

export class CameraImpl implements SimulatedCamera {
  readonly id: string;
  readonly host: string;
  private httpPortValue: number;
  private rtspPortValue: number;
  private faultValue: SimulatedFault = 'none';
  private clockOffset = 0;
  private readonly sockets = new Set<net.Socket>();
  private httpListener: net.Server | undefined;
  private rtspListener: net.Server | undefined;
  private readonly http: http.Server;
  private readonly rtsp: RtspServer;
  private readonly onvif: OnvifService;
  /** What the camera says of itself (ONVIF GetDeviceInformation, WS-Discovery scopes). */
  readonly device: DeviceInformation;
  private stopped = false;
  /** Serialises setFault/stop so listeners are never opened and closed at the same time. */
  private transition: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: CameraSettings,
    pacer: Pacer,
  ) {
    this.id = settings.id;
    this.host = settings.host;
    this.httpPortValue = settings.httpPort;
    this.rtspPortValue = settings.rtspPort;
    const credentials = () => this.credentials();
    const isHung = () => this.faultValue === 'hang';
    this.rtsp = new RtspServer(
      { id: this.id, host: this.host, rtspPort: () => this.rtspPortValue, credentials, variant: (stream) => this.variant(stream), hasSubStream: settings.subStream !== undefined, isHung, sdpParameterSets: settings.sdpParameterSets, recorder: settings.recorder, cameraNow: () => this.cameraNow() },
      pacer,
      settings.frameCount,
    );
    const serial = `CW${settings.id.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
    this.device = {
      manufacturer: 'Camwatch Simulator',
      model: 'SIM-IPC-640',
      firmwareVersion: 'V5.7.3 build 240101',
      serialNumber: serial,
      hardwareId: 'SIMHW-A1',
    };
    this.onvif = new OnvifService({
      id: this.id,
      host: this.host,
      httpPort: () => this.httpPortValue,
      rtspUrl: () => this.rtspUrl,
      snapshotUrl: () => this.snapshotUrl,
      credentials,
      clockOffsetSeconds: () => this.clockOffset,
      recorder: settings.recorder,
      replayUrl: () => `rtsp://${this.host}:${this.rtspPortValue}${RTSP_REPLAY_PATH}`,
      isHung,
      snapshot: () => this.snapshot(),
      device: this.device,
      video: { width: settings.width, height: settings.height, fps: settings.fps, govLength: settings.govLength },
      subStream: settings.subStream && { width: settings.subStream.width, height: settings.subStream.height, url: () => this.subStreamUrl ?? this.rtspUrl },
    });
    this.http = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => this.onvif.handle(req, res));
    this.http.on('clientError', (_error, socket) => socket.destroy());
  }

  get failedLogins(): number {
    return this.onvif.auth.failures + this.rtsp.auth.failures;
  }

  get httpPort(): number {
    return this.httpPortValue;
  }
  get rtspPort(): number {
    return this.rtspPortValue;
  }
  get onvifUrl(): string {
    return `http://${this.host}:${this.httpPortValue}${ONVIF_DEVICE_PATH}`;
  }
  get rtspUrl(): string {
    return `rtsp://${this.host}:${this.rtspPortValue}${RTSP_STREAM_PATH}`;
  }
  /** rtsp://host:port/stream2, or undefined when the camera has one stream only */
  get subStreamUrl(): string | undefined {
    return this.settings.subStream && `rtsp://${this.host}:${this.rtspPortValue}${RTSP_SUB_STREAM_PATH}`;
  }
  get snapshotUrl(): string {
    return `http://${this.host}:${this.httpPortValue}${SNAPSHOT_PATH}`;
  }
  get fault(): SimulatedFault {
    return this.faultValue;
  }
  get sceneName(): string {
    return this.settings.scene.name;
  }
  /** Open TCP connections (both ports), for tests and capacity checks. */
  get connectionCount(): number {
    return this.sockets.size;
  }
  get playingCount(): number {
    return this.rtsp.playingCount;
  }

  /** What the camera accepts now: after `wrong_password` its password is no longer the configured one. */
  credentials(): Credentials {
    const password = this.faultValue === 'wrong_password' ? `${this.settings.password}#changed-by-simulator` : this.settings.password;
    return { username: this.settings.username, password };
  }

  variant(stream: StreamRole = 'main'): VariantMedia {
    const scene = stream === 'sub' && this.settings.subStream ? this.settings.subStream.scene : this.settings.scene;
    return scene.variants[pictureOf(this.faultValue)];
  }

  /** The JPEG of the current view: the same clip position as the stream. */
  snapshot(): Buffer {
    const snapshots = this.variant().snapshots;
    const clipMs = (this.settings.frameCount / this.settings.fps) * 1000;
    const position = wallClockMs() % clipMs;
    const index = Math.floor((position / 1000) * this.settings.snapshotsPerSecond) % snapshots.length;
    return snapshots[index] ?? snapshots[0]!;
  }

  /** The camera's clock (wall clock plus its offset), in ms: its recording is kept in its own time. */
  cameraNow(): number {
    return Date.now() + this.clockOffset * 1000;
  }

  setClockOffset(seconds: number): void {
    this.clockOffset = seconds;
  }

  async start(): Promise<void> {
    await this.openListeners();
  }

  setFault(fault: SimulatedFault): Promise<void> {
    const next = this.transition.then(() => this.applyFault(fault));
    this.transition = next.catch(() => undefined);
    return next;
  }

  private async applyFault(fault: SimulatedFault): Promise<void> {
    if (this.stopped) throw new Error(`camera ${this.id} is stopped`);
    if (!SIMULATED_FAULTS.includes(fault)) throw new Error(`unknown simulated fault: ${String(fault)}`);
    const previous = this.faultValue;
    if (previous === fault) return;
    this.faultValue = fault;
    if (fault === 'offline') {
      await this.closeListeners();
      this.dropConnections();
      return;
    }
    if (previous === 'hang') {
      // Back from a hang is like a reboot: every connection that was held is dropped.
      this.dropConnections();
    }
    if (previous === 'offline') await this.openListeners();
  }

  stop(): Promise<void> {
    const next = this.transition.then(async () => {
      this.stopped = true;
      await this.closeListeners();
      this.dropConnections();
      this.http.close();
    });
    this.transition = next.catch(() => undefined);
    return next;
  }

  private dropConnections(): void {
    this.onvif.dropPending();
    this.rtsp.closeAll();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private track(socket: net.Socket): boolean {
    if (this.stopped || this.faultValue === 'offline') {
      socket.destroy();
      return false;
    }
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    return true;
  }

  private async openListeners(): Promise<void> {
    const httpListener = net.createServer({ pauseOnConnect: false }, (socket) => {
      if (!this.track(socket)) return;
      // Hung: the connection is accepted and then nothing is ever read or answered.
      if (this.faultValue === 'hang') return;
      if (isHostile(this.faultValue) && hostileHttp(this.faultValue, socket)) return;
      this.http.emit('connection', socket);
    });
    const rtspListener = net.createServer((socket) => {
      if (!this.track(socket)) return;
      if (this.faultValue === 'hang') return;
      if (isHostile(this.faultValue) && hostileRtsp(this.faultValue, socket)) return;
      this.rtsp.handle(socket);
    });
    httpListener.on('error', () => undefined);
    rtspListener.on('error', () => undefined);
    try {
      this.httpPortValue = await listen(httpListener, this.host, this.httpPortValue);
      this.rtspPortValue = await listen(rtspListener, this.host, this.rtspPortValue);
    } catch (error) {
      await closeServer(httpListener);
      await closeServer(rtspListener);
      throw new Error(`camera ${this.id}: cannot listen on ${this.host} (${(error as Error).message})`);
    }
    this.httpListener = httpListener;
    this.rtspListener = rtspListener;
  }

  private async closeListeners(): Promise<void> {
    const servers = [this.httpListener, this.rtspListener].filter((s): s is net.Server => s !== undefined);
    this.httpListener = undefined;
    this.rtspListener = undefined;
    const closing = servers.map(closeServer);
    // server.close() waits for open connections: drop them so it can finish.
    this.dropConnections();
    await Promise.all(closing);
  }
}
