/**
 * Sun elevation from a compact NOAA-style formula (accurate to a fraction of a degree, plenty
 * to tell day from night), and the day/night decision used to pick a camera's baseline.
 */
import { GREYSCALE_SATURATION, type FrameMetrics } from './metrics.js';

const RAD = Math.PI / 180;

/** Sun elevation in degrees above the horizon at (lat, lon) and instant `at`. */
export function sunElevation(lat: number, lon: number, at: Date): number {
  const jd = at.getTime() / 86_400_000 + 2440587.5;
  const n = jd - 2451545.0;
  const L = (280.46 + 0.9856474 * n) % 360;
  const g = ((357.528 + 0.9856003 * n) % 360) * RAD;
  const lambda = (L + 1.915 * Math.sin(g) + 0.02 * Math.sin(2 * g)) * RAD;
  const epsilon = (23.439 - 0.0000004 * n) * RAD;
  const ra = Math.atan2(Math.cos(epsilon) * Math.sin(lambda), Math.cos(lambda));
  const dec = Math.asin(Math.sin(epsilon) * Math.sin(lambda));
  const gmst = (18.697374558 + 24.06570982441908 * n) % 24;
  const lst = (gmst * 15 + lon) * RAD;
  const ha = lst - ra;
  const phi = lat * RAD;
  const sinEl = Math.sin(phi) * Math.sin(dec) + Math.cos(phi) * Math.cos(dec) * Math.cos(ha);
  return Math.asin(Math.max(-1, Math.min(1, sinEl))) / RAD;
}

/**
 * Night when the camera has switched to IR (greyscale picture that is normally colour), or the
 * sun is more than 4 degrees below the horizon; without a location, a dark picture counts as night.
 */
export function isNight(
  metrics: Pick<FrameMetrics, 'saturation' | 'lumaP50'>,
  where?: { lat: number; lon: number; at: Date; monochrome?: boolean },
): boolean {
  if (where) {
    const el = sunElevation(where.lat, where.lon, where.at);
    if (el < -4) return true;
    if (el > 6) return false;
    // Twilight: trust the picture (IR switched on, or already dark).
    return (!where.monochrome && metrics.saturation < GREYSCALE_SATURATION) || metrics.lumaP50 < 45;
  }
  return metrics.saturation < GREYSCALE_SATURATION || metrics.lumaP50 < 45;
}
