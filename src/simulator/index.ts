/**
 * A fleet of simulated IP cameras on one host (127.0.0.1 by default) for tests and `camwatch demo`.
 * Each camera has a real RTSP server (H.264 over RTP, TCP interleaved, Digest auth), an ONVIF
 * device/media service (SOAP 1.2, WS-Security) and a Digest-protected JPEG snapshot, with faults
 * switchable at run time. The media are made once by ffmpeg from real photos (see media.ts) and
 * shared by all cameras; one timer per fleet paces every stream.
 */
import { CameraImpl, type SimulatedCamera, type SimulatedFault } from './camera.js';
import { DEFAULT_MEDIA_SETTINGS, prepareMedia, type MediaLibrary, type MediaSettings } from './media.js';
import { Pacer } from './pacer.js';
import { RollingRecorder } from './recorder.js';
import { locateFfmpeg } from '../probe/ffmpeg.js';
import { DiscoveryResponder } from './discovery.js';

export type { SimulatedCamera, SimulatedFault } from './camera.js';
export { SIMULATED_FAULTS } from './camera.js';
export { httpGetDigest, digestAuthorization, type SimpleResponse } from './digest.js';
export { prepareMedia, PICTURE_VARIANTS, type MediaLibrary, type PictureVariant } from './media.js';

export interface FleetOptions {
  count: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** 0 or undefined = ephemeral ports; else camera i uses basePort + 2*i (HTTP: ONVIF + snapshot) and basePort + 2*i + 1 (RTSP). */
  basePort?: number;
  /** Default 'admin'. */
  username?: string;
  /** The same for all cameras unless overridden per camera (`passwords`). */
  password: string;
  /** Media cache root; default `<os.tmpdir()>/camwatch-sim-media`; media go to `<mediaDir>/<hash>`. */
  mediaDir?: string;
  /** Default 'sim'; ids sim-001, sim-002, ... */
  idPrefix?: string;
  /** Per-camera password overrides, by camera id. */
  passwords?: Record<string, string>;
  /** Photos to make the media from; default every photo in test/fixtures/photos. */
  photos?: string[];
  /** Picture size, frame rate etc.; default 640x360 at 15 fps (benchmarks use 1920x1080). */
  video?: Partial<MediaSettings>;
  /**
   * Default true: the SDP carries sprop-parameter-sets. false: it leaves them out, as some cameras
   * do; SPS and PPS then arrive only in-band, in front of each keyframe.
   */
  sdpParameterSets?: boolean;
  /**
   * A second media profile (ONVIF Profile_2, rtsp://…/stream2) at this size, as most cameras have
   * a substream. Default none: one profile.
   */
  subStream?: { width: number; height: number };
  /**
   * Default false: answer ONVIF WS-Discovery probes (UDP multicast 239.255.255.250:3702) for the
   * fleet's cameras. Only in a network of the test's own (a network namespace): fleets of tests
   * running side by side on one host would all answer each other's probes.
   */
  discovery?: boolean;
  /**
   * Every camera records a rolling hour and answers ONVIF Profile G (recording search, replay over
   * RTSP), except those listed here: cameras that have no recorder, as many cheap ones.
   */
  withoutRecording?: readonly string[];
}

export interface CameraFleet {
  readonly cameras: SimulatedCamera[];
  camera(id: string): SimulatedCamera;
  /** Closes every socket and timer; the process can exit afterwards. */
  stop(): Promise<void>;
  /** The shared media (settings, cache directory, generation time). */
  readonly media: MediaLibrary;
}

export async function startFleet(options: FleetOptions): Promise<CameraFleet> {
  if (!Number.isInteger(options.count) || options.count < 0) throw new Error(`fleet count must be a non-negative integer, got ${options.count}`);
  const host = options.host ?? '127.0.0.1';
  const basePort = options.basePort ?? 0;
  const username = options.username ?? 'admin';
  const prefix = options.idPrefix ?? 'sim';
  const media = await prepareMedia({ mediaDir: options.mediaDir, photos: options.photos, ...(options.video ? { settings: { ...DEFAULT_MEDIA_SETTINGS, ...options.video } } : {}) });
  const { settings } = media;
  const subMedia = options.subStream && (await prepareMedia({ mediaDir: options.mediaDir, photos: options.photos, settings: { ...settings, ...options.subStream } }));
  const pacer = new Pacer(settings.fps);
  const ffmpeg = () => locateFfmpeg().ffmpeg;
  const width = String(options.count).length > 3 ? String(options.count).length : 3;
  const cameras: CameraImpl[] = [];
  let discovery: DiscoveryResponder | undefined;
  try {
    for (let i = 0; i < options.count; i += 1) {
      const id = `${prefix}-${String(i + 1).padStart(width, '0')}`;
      const scene = media.scenes[i % media.scenes.length]!;
      const camera = new CameraImpl(
        {
          id,
          index: i,
          host,
          httpPort: basePort ? basePort + 2 * i : 0,
          rtspPort: basePort ? basePort + 2 * i + 1 : 0,
          username,
          password: options.passwords?.[id] ?? options.password,
          scene,
          subStream: subMedia && options.subStream && { scene: subMedia.scenes[i % subMedia.scenes.length]!, ...options.subStream },
          fps: settings.fps,
          frameCount: media.frameCount,
          govLength: Math.round(settings.fps * settings.keyframeSeconds),
          width: settings.width,
          height: settings.height,
          snapshotsPerSecond: settings.snapshotsPerSecond,
          sdpParameterSets: options.sdpParameterSets ?? true,
          recorder: options.withoutRecording?.includes(id) ? undefined : new RollingRecorder(scene.photo, settings, ffmpeg),
        },
        pacer,
      );
      cameras.push(camera);
      await camera.start();
    }
    if (options.discovery) {
      discovery = new DiscoveryResponder(() => cameras, host);
      await discovery.start();
    }
  } catch (error) {
    await Promise.all(cameras.map((c) => c.stop()));
    await discovery?.stop();
    pacer.stop();
    throw error;
  }
  const byId = new Map(cameras.map((c) => [c.id, c]));
  let stopping: Promise<void> | undefined;
  return {
    cameras,
    media,
    camera(id: string): SimulatedCamera {
      const camera = byId.get(id);
      if (!camera) throw new Error(`no simulated camera ${id}`);
      return camera;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        await discovery?.stop();
        await Promise.all(cameras.map((c) => c.stop()));
        pacer.stop();
      })();
      return stopping;
    },
  };
}

/** Convenience for tests: set the same fault on several cameras. */
export async function setFaults(cameras: readonly SimulatedCamera[], fault: SimulatedFault): Promise<void> {
  await Promise.all(cameras.map((c) => c.setFault(fault)));
}
