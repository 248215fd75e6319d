/**
 * The configuration as the admin writes it (YAML, snake_case). Validated as a whole so that every
 * mistake is reported at once, each with its field path.
 */
import { z } from 'zod';
import { mapSchema } from './map.js';
import { schemaMessage, type ConfigText } from './messages.js';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, schemaMessage('idChars'));


/** Highest accepted check concurrency, overall and per camera address. */
export const PROBE_LIMITS = { concurrency: 1024, per_host_concurrency: 64 } as const;
export const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, schemaMessage('envName'));

/** Daily rollups are built from UTC hours: the zone must exist and sit a whole number of hours from UTC. */
function wholeHourZone(zone: string): boolean {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, minute: 'numeric' }).formatToParts(Date.UTC(2026, 0, 1, 0, 0));
    return parts.find((p) => p.type === 'minute')?.value === '0';
  } catch {
    return false;
  }
}

export const OWNER_TYPES = ['public', 'household', 'business', 'school', 'agency'] as const;
export const UNIT_KINDS = ['province', 'city', 'district', 'commune', 'ward', 'special_zone', 'area'] as const;
export const CONTACT_ROLES = ['police_chief', 'deputy_police_chief', 'people_committee', 'police', 'it_officer', 'other'] as const;

/** What the config knows of the alert channels, which are defined above it (src/alerts/channels): each one's name and the schema of its section. */
export type ChannelSchemas = Readonly<Record<string, z.ZodType<unknown, unknown>>>;

function contactSchema(channelName: z.ZodType<string, unknown>) {
  return z
    .object({
      name: z.string().min(1),
      role: z.enum(CONTACT_ROLES).default('other'),
      phone: z
        .string()
        .regex(/^(0|84|\+84)\d{9,10}$/, schemaMessage('phone'))
        .optional(),
      email: z.email().optional(),
      zalo_user_id: z.string().optional(),
      channels: z.array(channelName).optional(),
      locale: z.enum(['vi', 'en']).optional(),
    })
    .strict();
}

export type ContactConfig = z.infer<ReturnType<typeof contactSchema>>;

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

type ContactSchema = ReturnType<typeof contactSchema>;

function unitSchema(contact: ContactSchema): z.ZodType<UnitConfig, unknown> {
  const unit: z.ZodType<UnitConfig, unknown> = z.lazy(() =>
    z
      .object({
        id,
        name: z.string().min(1),
        kind: z.enum(UNIT_KINDS),
        code: z
          .string()
          .regex(/^(\d{2}|\d{3}|\d{5})$/, schemaMessage('officialCode'))
          .optional(),
        /** code of a unit abolished in 2025, kept for areas inside today's communes; not a key */
        former_code: z.string().regex(/^\d{3,5}$/, schemaMessage('formerCode')).optional(),
        population: z.number().int().positive().optional(),
        area_km2: z.number().positive().optional(),
        note: z.string().optional(),
        contacts: z.array(contact).default([]),
        children: z.array(unit).default([]),
      })
      .strict(),
  );
  return unit;
}

/** What a maintenance visit may do; the dashboard and reports name each in both languages. */
export const MAINTENANCE_TASKS = ['clean', 'inspect', 'adjust', 'firmware', 'repair'] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];

/** A contract's routine upkeep: every camera of the contractor gets each task at least every `every_days` days. */
const maintenanceSchedule = z
  .object({
    every_days: z
      .number({ error: schemaMessage('daysNumber') })
      .min(1, schemaMessage('daysMin'))
      .max(3660, schemaMessage('daysMax'))
      // not .int(): its issue carries no input, and would read as a missing field
      .refine(Number.isInteger, schemaMessage('daysWhole')),
    tasks: z
      .array(z.enum(MAINTENANCE_TASKS, { error: schemaMessage('taskName', { tasks: MAINTENANCE_TASKS.join(', ') }) }))
      .min(1, schemaMessage('tasksEmpty'))
      .refine((tasks) => new Set(tasks).size === tasks.length, schemaMessage('taskTwice'))
      .default(['clean', 'inspect']),
  })
  .strict();

function contractorSchema(contact: ContactSchema) {
  return z
    .object({
      id,
      name: z.string().min(1),
      contract: z
        .object({
          ref: z.string().optional(),
          acknowledge_hours: z.number().positive().default(4),
          repair_hours: z.number().positive().default(48),
          /** routine visits the contract asks for, e.g. { every_days: 90, tasks: [clean, inspect] } */
          maintenance: maintenanceSchedule.optional(),
        })
        .strict()
        .default({ acknowledge_hours: 4, repair_hours: 48 }),
      contacts: z.array(contact).default([]),
    })
    .strict();
}

/** Query parameters cameras take credentials in (Hikvision, Dahua, Axis, generic CGI snapshots). */
const CREDENTIAL_PARAMS = /^(user(name)?|usr|pass(word|wd)?|pwd|psw|auth|token|loginuse|loginpas)$/i;

function hasCredentialQuery(value: string): boolean {
  try {
    return [...new URL(value).searchParams.keys()].some((key) => CREDENTIAL_PARAMS.test(key));
  } catch {
    return false;
  }
}

const urlWithoutCredentials = (scheme: RegExp) =>
  z
    .string()
    .refine((value) => scheme.test(value), schemaMessage('urlScheme'))
    .refine((value) => !/\/\/[^/@]*@/.test(value), schemaMessage('urlUserInfo'))
    .refine((value) => !hasCredentialQuery(value), schemaMessage('urlCredentialQuery'));

/** A host name or address, nothing more: a URL or user:password@ here would be logged and shown as is. */
const hostName = z
  .string()
  .min(1)
  .max(253)
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._:-]+)$/, schemaMessage('hostOnly'));

const camera = z
  .object({
    // owner-<n> names the cameras registered by their owners (src/inventory/registrations.ts), kept in the database only.
    id: id.refine((value) => !/^owner-\d+$/.test(value), schemaMessage('ownerIdReserved')),
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
        host: hostName,
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
    concurrency: z.number().int().min(1).max(PROBE_LIMITS.concurrency).default(16),
    per_host_concurrency: z.number().int().min(1).max(PROBE_LIMITS.per_host_concurrency).default(2),
    auth_backoff_s: seconds.default(900),
    max_clock_drift_s: seconds.default(30),
    /**
     * builtin (the default): camwatch's own RTSP client fetches a keyframe and a pool of
     * long-lived ffmpeg processes decodes it (ffmpeg opens the stream itself for what the client
     * cannot read: rtsps://, other codecs); ffmpeg: ffmpeg opens every stream (through the
     * loopback relay), as before.
     */
    // the values of ProbeSettings.streamClient (src/probe/check.ts; config sits below probe, targets.ts checks they agree)
    stream_client: z.enum(['builtin', 'ffmpeg']).default('builtin'),
    /** Image checks of a camera without a snapshot read its substream (at least 640 px wide) instead of the main stream. */
    image_from_substream: z.boolean().default(true),
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

/** Highest accepted number of image-analysis threads. */
export const ANALYSIS_THREADS_MAX = 64;

const quality = z
  .object({
    /**
     * Worker threads that analyse the frames (src/quality/analysis-pool.ts); unset: the cores less
     * one; 0: on the daemon's main thread.
     */
    analysis_threads: z
      .number()
      .int()
      .min(0, schemaMessage('threadsMin'))
      .max(ANALYSIS_THREADS_MAX, schemaMessage('threadsMax', { max: ANALYSIS_THREADS_MAX }))
      .optional(),
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

// --- alerts (issue 6): channels, escalation, outbox -------------------------------------------
/**
 * The job queue between `camwatch server` and `camwatch worker` (NATS JetStream). Workers connect
 * out to it, so a worker behind NAT or 4G needs nothing opened towards it. `run` does not use it.
 */
const queue = z
  .object({
    url: z.string().regex(/^(nats|tls):\/\/[^\s@/]+$/, schemaMessage('natsUrl')).default('nats://127.0.0.1:4222'),
    /** the NATS user of this process; its password comes from password_env, never the config */
    user: z.string().min(1).optional(),
    password_env: envName.optional(),
    /** names the streams and the leader bucket, so installations can share one NATS */
    name: z.string().regex(/^[a-z0-9_-]+$/, schemaMessage('queueName')).default('camwatch'),
    /** a check's lease: a worker that stops answering for this long loses it to another worker */
    lease_s: seconds.default(30),
    /** a leader that stops renewing for this long is replaced by another server */
    leader_ttl_s: seconds.default(15),
  })
  .strict()
  .refine((q) => (q.user === undefined) === (q.password_env === undefined), schemaMessage('userAndPassword'));

export const httpUrl = z.string().regex(/^https?:\/\/[^\s]+$/, schemaMessage('httpUrl'));
export const templateValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.array(templateValue), z.record(z.string(), templateValue)]));

function alertsSchema(contact: ContactSchema, channelName: z.ZodType<string, unknown>, sections: z.ZodType<Record<string, unknown>, unknown>) {
  return z
    .object({
      enabled: z.boolean().default(true),
      /** base of acknowledge links: {public_url}/incidents/{id}/ack */
      public_url: httpUrl.optional(),
      /** unacknowledged this long → the unit above and the People's Committee are told */
      escalate_after_minutes: z.number().positive().default(60),
      /** reminders to the first recipients while unacknowledged; 0 turns them off */
      reminder_minutes: z.number().min(0).default(120),
      /** local hour (timezone) of the daily digest; omit for none */
      digest_hour: z.number().int().min(0).max(23).optional(),
      /** omitted: the channels that take the digest by default (src/alerts/channels) */
      digest_channels: z.array(channelName).optional(),
      /** told of server-wide incidents (camwatch's own network) instead of the police chiefs */
      administrators: z.array(contact).default([]),
      max_attempts: z.number().int().min(1).default(20),
      retry_first_s: seconds.default(30),
      retry_max_s: seconds.default(1800),
      /** a row left "sending" longer than this is retried (same request id); rows a killed process left are retried as soon as the next one dispatches */
      sending_timeout_s: seconds.default(120),
      send_deadline_s: seconds.default(20),
      poll_interval_s: seconds.default(5),
      channels: sections.default({}),
    })
    .strict();
}

// --- HTTP API and reports (issue 7) ------------------------------------------------------------
/** Signing on another's behalf (Decree 30/2020 art. 13): KT. a deputy, TM. a collective body, TL./TUQ. a delegate, Q. an acting head. */
export const SIGN_MODES = ['KT.', 'TM.', 'TL.', 'TUQ.', 'Q.'] as const;

/** A heading line of the document: Decree 30 writes the issuer and the signer's title in capitals. */
const capitals = (example: string) =>
  z
    .string()
    .trim()
    .min(1, schemaMessage('capitalsEmpty', { example }))
    .refine((value) => value === value.toLocaleUpperCase('vi'), schemaMessage('capitals', { example }));

const reportSchema = z
  .object({
    /** place name of the date line, e.g. "Gia Lai" */
    place: z.string().trim().min(1).optional(),
    /** the issuing body (cơ quan ban hành), e.g. "CÔNG AN XÃ TUY PHƯỚC ĐÔNG" */
    issuer: capitals('CÔNG AN XÃ TUY PHƯỚC ĐÔNG').optional(),
    /** the body above it, e.g. "CÔNG AN TỈNH GIA LAI" */
    parent_issuer: capitals('CÔNG AN TỈNH GIA LAI').optional(),
    /** the issuer's abbreviation in the document number "Số: …/BC-CAX" */
    issuer_abbreviation: z
      .string()
      .regex(/^[A-ZĐ0-9]+(?:[-.][A-ZĐ0-9]+)*$/u, schemaMessage('issuerAbbreviation'))
      .optional(),
    signer: z
      .object({
        /** the signer's own title, e.g. "TRƯỞNG CÔNG AN XÃ", or "PHÓ TRƯỞNG CÔNG AN XÃ" under "KT." */
        title: capitals('TRƯỞNG CÔNG AN XÃ'),
        /** full name, printed under the space for the signature and seal */
        name: z.string().trim().min(1, schemaMessage('signerName')),
        /** signing on behalf: { mode: KT., of: TRƯỞNG CÔNG AN XÃ } prints "KT. TRƯỞNG CÔNG AN XÃ" above the title */
        on_behalf: z
          .object({
            mode: z.enum(SIGN_MODES, { error: schemaMessage('signMode', { modes: SIGN_MODES.join(' ') }) }),
            of: capitals('TRƯỞNG CÔNG AN XÃ'),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** "Nơi nhận", one recipient a line, e.g. "Công an tỉnh Gia Lai (để báo cáo)"; "Lưu: VT." is always added */
    recipients: z.array(z.string().trim().min(1, schemaMessage('recipient'))).default([]),
  })
  .strict();

export type ReportSettings = z.infer<typeof reportSchema>;

const server = z
  .object({
    enabled: z.boolean().default(true),
    /** bind address; keep 127.0.0.1 behind a reverse proxy that terminates TLS */
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /** the address people use (https://...); cookies are marked Secure when it is https */
    public_url: httpUrl.optional(),
    session_ttl_hours: z.number().positive().max(24 * 90).default(12),
    /**
     * The reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (addresses or
     * CIDR ranges, e.g. [127.0.0.1]); from anyone else those headers are ignored, or a client
     * could pick the address the login limiter and the audit log see. `true` is refused for that.
     */
    trust_proxy: z
      .union([z.literal(false), z.array(z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()])).min(1)], {
        error: schemaMessage('trustProxy'),
      })
      .default(false),
    /** QCVN 135:2024's rule, applied to our own login: 5 failures within 30 s lock for 5 minutes */
    login_rate_limit: z
      .object({
        max_failures: z.number().int().min(1).default(5),
        window_s: seconds.default(30),
        lockout_s: seconds.default(300),
      })
      .strict()
      .default({ max_failures: 5, window_s: 30, lockout_s: 300 }),
    /** live view: at most this many cameras streamed at once (each is one ffmpeg remuxing, no transcoding) */
    live_max_streams: z.number().int().min(0).max(64).default(4),
    /** evidence clips recorded on a police request: at most this many at once, kept within this budget, each at most this long */
    evidence_clips: z
      .object({
        max_concurrent: z.number().int().min(1).max(16).default(2),
        disk_budget_mb: z.number().positive().default(2048),
        max_duration_s: z.number().int().min(3).max(300).default(300),
      })
      .strict()
      .default({ max_concurrent: 2, disk_budget_mb: 2048, max_duration_s: 300 }),
    /**
     * live view of H.265 cameras in a browser that cannot play H.265: at most this many transcoded
     * to H.264 at once (each costs a decoder's CPU); default half the cores, at least 1
     */
    live_max_transcodes: z.number().int().min(0).max(16).optional(),
    /** printed reports (Decree 30/2020): who issues and signs them, and who receives them */
    report: reportSchema.default({ recipients: [] }),
  })
  .strict();

/** alerts.channels: a section per channel, each optional; no other name. */
export function channelSectionsSchema(channels: ChannelSchemas): z.ZodType<Record<string, unknown>, unknown> {
  return z.object(Object.fromEntries(Object.entries(channels).map(([name, schema]) => [name, schema.optional()]))).strict();
}

/**
 * The whole config. With the alert channels' schemas, channel names and sections are checked
 * against them; without (a caller that never sends alerts, such as most tests), any name and
 * any section pass, and the alerts layer checks its sections when it starts.
 */
/** A postgres:// URL without its password (that comes from PGPASSWORD or ~/.pgpass): the config file is no place for a secret. */
export function postgresUrlProblem(value: string): ConfigText | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { key: 'pgUrl' };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return { key: 'pgScheme', params: { scheme: url.protocol } };
  if (url.password) return { key: 'pgPassword' };
  if (url.pathname.length <= 1) return { key: 'pgDatabase' };
  return undefined;
}

/** Where the store lives: a SQLite file (the default), or a PostgreSQL database for a province. */
const databaseSchema = z
  .object({
    engine: z.enum(['sqlite', 'postgres']).default('sqlite'),
    path: z.string().min(1).default('data/camwatch.db'),
    url: z.string().optional(),
  })
  .strict()
  .superRefine((db, ctx) => {
    if (db.engine !== 'postgres') return;
    if (db.url === undefined) return void ctx.addIssue({ code: 'custom', path: ['url'], message: schemaMessage('pgRequired') });
    const problem = postgresUrlProblem(db.url);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: schemaMessage(problem.key, problem.params) });
  })
  .default({ engine: 'sqlite', path: 'data/camwatch.db' });

export function configSchemaFor(channels?: ChannelSchemas) {
  const channelName: z.ZodType<string, unknown> = channels ? z.enum(Object.keys(channels)) : z.string();
  const sections = channels ? channelSectionsSchema(channels) : z.record(z.string(), z.unknown());
  const contact = contactSchema(channelName);
  return z
    .object({
      version: z.literal(1),
      locale: z.enum(['vi', 'en']).default('vi'),
      timezone: z
        .string()
        .default('Asia/Ho_Chi_Minh')
        .refine(wholeHourZone, schemaMessage('timezone')),
      database: databaseSchema,
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
      quality: quality.default({}),
      health: health.default(health.parse({})),
      retention: retention.default(retention.parse({})),
      units: z.array(unitSchema(contact)).min(1, schemaMessage('unitsEmpty')),
      contractors: z.array(contractorSchema(contact)).default([]),
      cameras: z.array(camera).default([]),
      alerts: alertsSchema(contact, channelName, sections).optional(),
      server: server.optional(),
      queue: queue.default(queue.parse({})),
      /** the dashboard's map: background tiles and commune boundaries (src/config/map.ts) */
      map: mapSchema.default({}),
    })
    .strict();
}

export type RawConfig = z.infer<ReturnType<typeof configSchemaFor>>;
export type CameraConfig = RawConfig['cameras'][number];
export type ContractorConfig = RawConfig['contractors'][number];
export type ProbeConfig = RawConfig['probe'];
export type HealthConfig = RawConfig['health'];
export type QualityConfig = RawConfig['quality'];
export type RetentionConfig = RawConfig['retention'];
export type AlertsConfig = NonNullable<RawConfig['alerts']>;
export type ServerConfig = z.infer<typeof server>;
export type QueueConfig = RawConfig['queue'];
export const serverSchema = server;
