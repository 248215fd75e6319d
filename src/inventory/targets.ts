import type { Config } from '../config/load.js';
import type { CameraConfig } from '../config/schema.js';
import type { CameraTarget, ProbeSettings } from '../probe/check.js';

export function cameraTarget(config: Config, camera: CameraConfig): CameraTarget {
  return {
    id: camera.id,
    host: camera.onvif.host,
    onvifPort: camera.onvif.port,
    username: camera.onvif.user,
    password: config.secrets.get(camera.id) ?? '',
    rtspUrl: camera.rtsp_url,
    snapshotUrl: camera.snapshot_url,
    minResolution: camera.min_resolution ?? config.raw.probe.min_resolution,
  };
}

export function activeCameras(config: Config): CameraConfig[] {
  return config.raw.cameras.filter((camera) => camera.enabled);
}

export function probeSettings(config: Config, ffmpeg: string): ProbeSettings {
  const { deadlines, max_clock_drift_s, stream_client, image_from_substream } = config.raw.probe;
  return {
    ffmpeg,
    tcpMs: deadlines.tcp_ms,
    onvifMs: deadlines.onvif_ms,
    rtspMs: deadlines.rtsp_ms,
    snapshotMs: deadlines.snapshot_ms,
    maxClockDriftS: max_clock_drift_s,
    streamClient: stream_client,
    imageFromSubStream: image_from_substream,
  };
}
