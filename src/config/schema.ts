/**
 * The configuration as the admin writes it (YAML, snake_case). Validated as a whole so that every
 * mistake is reported at once, each with its field path.
 */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-" (e.g. "tuy-phuoc")');

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name such as CAM_TP001_PASSWORD');

export const OWNER_TYPES = ['public', 'household', 'business', 'school', 'agency'] as const;
export const UNIT_KINDS = ['province', 'city', 'district', 'commune', 'ward', 'special_zone', 'area'] as const;
export const CONTACT_ROLES = ['police_chief', 'deputy_police_chief', 'people_committee', 'police', 'it_officer', 'other'] as const;

const contact = z
  .object({
    name: z.string().min(1),
    role: z.enum(CONTACT_ROLES).default('other'),
    phone: z
      .string()
      .regex(/^(0|84|\+84)\d{9,10}$/, 'must be a Vietnamese phone number such as 0912345678 or 84912345678')
      .optional(),
    email: z.email().optional(),
    zalo_user_id: z.string().optional(),
    channels: z.array(z.enum(['zalo', 'sms', 'email', 'webhook', 'telegram'])).optional(),
    locale: z.enum(['vi', 'en']).optional(),
  })
  .strict();

export type ContactConfig = z.infer<typeof contact>;

export interface UnitConfig {
  id: string;
  name: string;
  kind: (typeof UNIT_KINDS)[number];
  code?: string | undefined;
  former_code?: string | undefined;
  population?: number | undefined;
  area_km2?: number | undefined;
  note?: string | undefined;
  contacts: ContactConfig[];
  children: UnitConfig[];
}

const unit: z.ZodType<UnitConfig, unknown> = z.lazy(() =>
  z
    .object({
      id,
      name: z.string().min(1),
      kind: z.enum(UNIT_KINDS),
      code: z
        .string()
        .regex(/^(\d{2}|\d{3}|\d{5})$/, 'official codes have 2 digits (province) or 5 digits (commune); quote them: "21"')
        .optional(),
      /** code of a unit abolished in 2025, kept for areas inside today's communes; not a key */
      former_code: z.string().regex(/^\d{3,5}$/, 'must be the old 3- or 5-digit code').optional(),
      population: z.number().int().positive().optional(),
      area_km2: z.number().positive().optional(),
      note: z.string().optional(),
      contacts: z.array(contact).default([]),
      children: z.array(unit).default([]),
    })
    .strict(),
);

const contractor = z
  .object({
    id,
    name: z.string().min(1),
    contract: z
      .object({
        ref: z.string().optional(),
        acknowledge_hours: z.number().positive().default(4),
        repair_hours: z.number().positive().default(48),
      })
      .strict()
      .default({ acknowledge_hours: 4, repair_hours: 48 }),
    contacts: z.array(contact).default([]),
  })
  .strict();

const urlWithoutCredentials = (scheme: RegExp) =>
  z
    .string()
    .refine((value) => scheme.test(value), 'must be a URL of the right scheme')
    .refine((value) => !/\/\/[^/@]*@/.test(value), 'must not contain user:password@ — give the user in onvif.user and the password by password_env');

const camera = z
  .object({
    id,
    name: z.string().min(1),
    unit: id,
    location: z.string().default(''),
    lat: z.number().min(-90).max(90).optional(),
    lon: z.number().min(-180).max(180).optional(),
    owner_type: z.enum(OWNER_TYPES).default('public'),
    owner: z
      .object({
        name: z.string().optional(),
        phone: z.string().optional(),
        consent: z.boolean().optional(),
        sharing: z.enum(['police_only', 'commune', 'none']).optional(),
      })
      .strict()
      .optional(),
    contractor: id.optional(),
    onvif: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65535).default(80),
        user: z.string().min(1).default('admin'),
        password_env: envName,
      })
      .strict(),
    rtsp_url: urlWithoutCredentials(/^rtsps?:\/\//).optional(),
    snapshot_url: urlWithoutCredentials(/^https?:\/\//).optional(),
    tags: z.array(z.string().min(1)).default([]),
    min_resolution: z
      .object({ width: z.number().int().positive(), height: z.number().int().positive() })
      .strict()
      .optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

const seconds = z.number().positive();
const millis = z.number().int().positive();

const probe = z
  .object({
    image_interval_s: seconds.default(60),
    stream_interval_s: seconds.default(300),
    device_info_interval_s: seconds.default(86_400),
    jitter_ratio: z.number().min(0).max(0.5).default(0.2),
    concurrency: z.number().int().min(1).max(1024).default(16),
    per_host_concurrency: z.number().int().min(1).max(64).default(2),
    auth_backoff_s: seconds.default(900),
    max_clock_drift_s: seconds.default(30),
    min_resolution: z
      .object({ width: z.number().int().positive(), height: z.number().int().positive() })
      .strict()
      .default({ width: 640, height: 360 }),
    deadlines: z
      .object({
        tcp_ms: millis.default(3000),
        onvif_ms: millis.default(5000),
        rtsp_ms: millis.default(12_000),
        snapshot_ms: millis.default(5000),
      })
      .strict()
      .default({ tcp_ms: 3000, onvif_ms: 5000, rtsp_ms: 12_000, snapshot_ms: 5000 }),
  })
  .strict();

const health = z
  .object({
    /** consecutive failing checks before an incident opens */
    open_after_failures: z.number().int().min(1).default(3),
    /** per failure class, e.g. { auth_failed: 1 }: a refused password is not flaky */
    open_after_failures_by_kind: z.partialRecord(z.enum(['offline', 'auth_failed']), z.number().int().min(1)).default({ auth_failed: 1 }),
    close_after_successes: z.number().int().min(1).default(2),
    /** an image finding must persist this long (and over 2+ checks) before it becomes an incident */
    image_persist_minutes: z.number().positive().default(15),
    /** a check's state holds until the next check, but at most this many image intervals */
    state_hold_intervals: z.number().min(1).default(3),
    group: z
      .object({ min_cameras: z.number().int().min(2).default(3), min_fraction: z.number().min(0.1).max(1).default(0.6) })
      .strict()
      .default({ min_cameras: 3, min_fraction: 0.6 }),
    server: z
      .object({ min_cameras: z.number().int().min(2).default(5), min_fraction: z.number().min(0.1).max(1).default(0.9) })
      .strict()
      .default({ min_cameras: 5, min_fraction: 0.9 }),
  })
  .strict();

const retention = z
  .object({
    raw_checks_days: z.number().int().min(1).default(30),
    hourly_days: z.number().int().min(1).default(90),
    evidence_days: z.number().int().min(1).default(30),
    evidence_quota_mb: z.number().positive().default(2048),
  })
  .strict();

export const configSchema = z
  .object({
    version: z.literal(1),
    locale: z.enum(['vi', 'en']).default('vi'),
    timezone: z.string().default('Asia/Ho_Chi_Minh'),
    database: z.object({ path: z.string().min(1).default('data/camwatch.db') }).strict().default({ path: 'data/camwatch.db' }),
    evidence_dir: z.string().default('data/evidence'),
    ffmpeg: z
      .object({ ffmpeg_path: z.string().optional(), ffprobe_path: z.string().optional() })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .strict()
      .default({ level: 'info' }),
    probe: probe.default(probe.parse({})),
    health: health.default(health.parse({})),
    retention: retention.default(retention.parse({})),
    units: z.array(unit).min(1, 'at least one administrative unit is needed'),
    contractors: z.array(contractor).default([]),
    cameras: z.array(camera).default([]),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type CameraConfig = RawConfig['cameras'][number];
export type ContractorConfig = RawConfig['contractors'][number];
export type ProbeConfig = RawConfig['probe'];
export type HealthConfig = RawConfig['health'];
export type RetentionConfig = RawConfig['retention'];
