/**
 * What travels through the queue, checked on arrival: a check job (server → worker) and its
 * result (worker → server). A job names the camera, never its password: a worker has the
 * passwords of the cameras in its own config (password_env, as `camwatch run` does); a camera
 * registered by its owner on the dashboard travels with its password sealed by the owner key
 * (AES-256-GCM, as it is stored), which only a worker given that key can open.
 */
import { z } from 'zod';
import { CHECK_KINDS, STREAM_CLIENTS, type CheckResult } from '../probe/check.js';
import { FAILURE_KINDS } from '../probe/outcome.js';
import type { Logger } from '../log.js';

const deviceInfo = z.object({
  manufacturer: z.string(),
  model: z.string(),
  firmware: z.string(),
  serial: z.string(),
  clockDriftS: z.number(),
  profileToken: z.string(),
  encoding: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  streamUri: z.string().optional(),
  snapshotUri: z.string().optional(),
  subStream: z.object({ uri: z.string(), width: z.number(), height: z.number() }).optional(),
});

const resolution = z.object({ width: z.number().int().positive(), height: z.number().int().positive() });

export const checkJobSchema = z.object({
  /** unique per check; the result carries it back and is deduplicated on it */
  id: z.string().min(1),
  cameraId: z.string().min(1),
  kind: z.enum(CHECK_KINDS),
  /** the camera's device information from its last answer, so a worker need not ask ONVIF each time */
  device: deviceInfo.optional(),
  /** a camera registered by its owner, not in the workers' config */
  registered: z
    .object({ host: z.string(), onvifPort: z.number().int().positive(), username: z.string(), passwordSealed: z.string(), minResolution: resolution })
    .optional(),
  issuedAt: z.number(),
  /** the leader has given up waiting by then and scheduled the camera again: a worker drops it */
  expiresAt: z.number(),
});
export type CheckJob = z.infer<typeof checkJobSchema>;

const finding = z.object({ kind: z.enum(FAILURE_KINDS), stage: z.enum(['reach', 'onvif', 'rtsp_reach', 'rtsp', 'snapshot']), detail: z.string() });
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const resultSchema = z.object({
  jobId: z.string().min(1),
  jobSequence: z.number().int().positive().optional(),
  worker: z.string(),
  result: z.object({
    cameraId: z.string().min(1),
    kind: z.enum(CHECK_KINDS),
    startedAt: z.number(),
    durationMs: z.number(),
    status: z.enum(['ok', 'warn', 'fail']),
    failure: finding.optional(),
    warnings: z.array(finding),
    stages: z.partialRecord(z.enum(['reach', 'onvif', 'rtsp_reach', 'rtsp', 'snapshot']), z.number()),
    device: deviceInfo.optional(),
    stream: z.object({ codec: z.string(), width: z.number(), height: z.number(), fps: z.number().optional() }).optional(),
    frameSource: z.enum(['rtsp', 'snapshot']).optional(),
    streamPath: z.enum(STREAM_CLIENTS).optional(),
    streamFallback: z.string().optional(),
    streamRole: z.enum(['main', 'sub']).optional(),
    frame: base64.optional(),
    snapshots: z.tuple([base64, base64]).optional(),
  }),
});

export interface CheckReport {
  jobId: string;
  /** the job's sequence in the checks stream: the leader removes the job once it has stored this result */
  jobSequence?: number;
  /** the worker that ran it, for the log */
  worker: string;
  result: CheckResult;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJob(job: CheckJob): Uint8Array {
  return encoder.encode(JSON.stringify(job));
}

/** undefined for anything that is not a job of this version (logged and dropped by the caller). */
export function decodeJob(data: Uint8Array): CheckJob | undefined {
  try {
    const parsed = checkJobSchema.safeParse(JSON.parse(decoder.decode(data)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The frames go as base64: JSON would spell a Buffer out byte by byte. */
export function encodeReport(report: CheckReport): Uint8Array {
  const { frame, snapshots, ...rest } = report.result;
  return encoder.encode(JSON.stringify({ ...report, result: { ...rest, frame: frame?.toString('base64'), snapshots: snapshots?.map((s) => s.toString('base64')) } }));
}

export function decodeReport(data: Uint8Array): CheckReport | undefined {
  try {
    const parsed = resultSchema.safeParse(JSON.parse(decoder.decode(data)));
    if (!parsed.success) return undefined;
    const { frame, snapshots, ...rest } = parsed.data.result;
    const result: CheckResult = { ...rest, frame: frame === undefined ? undefined : Buffer.from(frame, 'base64') };
    if (snapshots) result.snapshots = [Buffer.from(snapshots[0], 'base64'), Buffer.from(snapshots[1], 'base64')];
    return { jobId: parsed.data.jobId, jobSequence: parsed.data.jobSequence, worker: parsed.data.worker, result };
  } catch {
    return undefined;
  }
}

/** What `opened` needs of a queue message (a JetStream JsMsg is one). */
export interface Received {
  data: Uint8Array;
  seq: number;
  /** drops the message for good: never delivered again */
  term(reason?: string): void;
}

/**
 * A message's content, decoded. One that does not decode (another version's, or garbage) is
 * logged and dropped for good, so that it does not come back on every delivery; undefined then.
 */
export function opened<T>(message: Received, decode: (data: Uint8Array) => T | undefined, what: 'check' | 'result', log: Pick<Logger, 'error'>): T | undefined {
  const content = decode(message.data);
  if (content === undefined) {
    log.error({ sequence: message.seq }, `queue: a ${what} that is not one of ours was dropped`);
    message.term();
  }
  return content;
}
