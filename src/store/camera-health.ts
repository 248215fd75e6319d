/**
 * The camera_health table (each camera's state and streaks), and the only module that reads or
 * writes it. The health engine decides the state; here are rows and the camera listings that show it.
 */
import { z } from 'zod';
import type { Engine } from './engine.js';
import type { CameraRow } from './inventory.js';

export const CAMERA_STATES = ['online', 'degraded', 'offline', 'auth_failed', 'unknown'] as const;
export type CameraState = (typeof CAMERA_STATES)[number];

const healthRow = z.object({
  camera_id: z.string(),
  state: z.enum(CAMERA_STATES),
  since: z.number(),
  last_check_id: z.number().nullable(),
  last_check_at: z.number().nullable(),
  last_observed: z.string().nullable(),
  last_up: z.number().nullable(),
  last_image_ok: z.number().nullable(),
  fail_streak: z.number(),
  fail_kind: z.string().nullable(),
  up_streak: z.number(),
  good_streak: z.number(),
  image_bad_since: z.number().nullable(),
  image_kind: z.string().nullable(),
  /** consecutive stream checks that failed at the RTSP stages; image checks never reset it */
  stream_fail_streak: z.number(),
});
export type HealthRow = z.infer<typeof healthRow>;

export async function readHealth(db: Engine, cameraId: string): Promise<HealthRow | undefined> {
  const row = await db.get('SELECT * FROM camera_health WHERE camera_id = ?', cameraId);
  return row ? healthRow.parse(row) : undefined;
}

export async function saveHealth(db: Engine, h: HealthRow): Promise<void> {
  await db.run(`INSERT INTO camera_health (camera_id, state, since, last_check_id, last_check_at, last_observed, last_up, last_image_ok,
           fail_streak, fail_kind, up_streak, good_streak, image_bad_since, image_kind, stream_fail_streak)
         VALUES (@camera_id, @state, @since, @last_check_id, @last_check_at, @last_observed, @last_up, @last_image_ok,
           @fail_streak, @fail_kind, @up_streak, @good_streak, @image_bad_since, @image_kind, @stream_fail_streak)
         ON CONFLICT (camera_id) DO UPDATE SET state = @state, since = @since, last_check_id = @last_check_id,
           last_check_at = @last_check_at, last_observed = @last_observed, last_up = @last_up, last_image_ok = @last_image_ok,
           fail_streak = @fail_streak, fail_kind = @fail_kind, up_streak = @up_streak, good_streak = @good_streak,
           image_bad_since = @image_bad_since, image_kind = @image_kind, stream_fail_streak = @stream_fail_streak`, h);
}

/** Cameras whose password is refused now, with refusals in a row and the last one's time. */
export async function refusedPasswordRows(db: Engine): Promise<{ camera_id: string; fail_streak: number; last_check_at: number }[]> {
  return await db.all("SELECT camera_id, fail_streak, last_check_at FROM camera_health WHERE fail_kind = 'auth_failed' AND last_check_at IS NOT NULL") as {
    camera_id: string;
    fail_streak: number;
    last_check_at: number;
  }[];
}

export async function camerasFailingOffline(db: Engine): Promise<string[]> {
  return (await db.all("SELECT camera_id FROM camera_health WHERE fail_kind = 'offline' AND fail_streak >= 1") as { camera_id: string }[]).map((row) => row.camera_id);
}

/** Cameras whose picture shows `imageKind` now (before it has lasted long enough for an incident too). */
export async function camerasWithBadImage(db: Engine, imageKind: string): Promise<string[]> {
  return (await db.all('SELECT camera_id FROM camera_health WHERE image_bad_since IS NOT NULL AND image_kind = ?', imageKind) as { camera_id: string }[]).map((row) => row.camera_id);
}

// --- cameras with their state ----------------------------------------------------------------------

/** Active, enabled cameras by state; a camera never checked is "unknown". */
export async function stateCounts(db: Engine): Promise<{ state: string; n: number }[]> {
  return await db.all(`SELECT COALESCE(h.state, 'unknown') AS state, COUNT(*) AS n FROM cameras c LEFT JOIN camera_health h ON h.camera_id = c.id
     WHERE c.retired_at IS NULL AND c.enabled = 1 GROUP BY 1`) as { state: string; n: number }[];
}

/** Each active camera's unit and state. */
export async function activeCameraStates(db: Engine): Promise<{ id: string; unit_id: string; state: string }[]> {
  return await db.all("SELECT c.id, c.unit_id, COALESCE(h.state, 'unknown') AS state FROM cameras c LEFT JOIN camera_health h ON h.camera_id = c.id WHERE c.retired_at IS NULL") as {
    id: string;
    unit_id: string;
    state: string;
  }[];
}

/** A camera's stored row with its health and unit name, as the camera lists show it. */
export interface CameraListing extends CameraRow {
  onvif_host: string;
  onvif_port: number;
  state: string | null;
  since: number | null;
  last_check_at: number | null;
  last_image_ok: number | null;
  fail_kind: string | null;
  image_kind: string | null;
  unit_name: string;
}

const CAMERA_SELECT = `SELECT c.id, c.name, c.unit_id, c.location, c.lat, c.lon, c.owner_type, c.owner, c.contractor_id, c.onvif_host, c.onvif_port, c.tags,
    c.enabled, c.retired_at, h.state, h.since, h.last_check_at, h.last_image_ok, h.fail_kind, h.image_kind, u.name AS unit_name
  FROM cameras c JOIN units u ON u.id = c.unit_id LEFT JOIN camera_health h ON h.camera_id = c.id`;

/** Every camera, retired ones too, by id, with its unit's name and its state. */
export async function cameraListings(db: Engine): Promise<CameraListing[]> {
  return await db.all(`${CAMERA_SELECT} ORDER BY c.id`) as CameraListing[];
}

export async function cameraListing(db: Engine, id: string): Promise<CameraListing | undefined> {
  return await db.get(`${CAMERA_SELECT} WHERE c.id = ?`, id) as CameraListing | undefined;
}
