/** What a probe can find, in terms a person can act on. Shared by every stage. */
export const FAILURE_KINDS = [
  'unreachable', // nothing answers at the address: power, cable, router, wrong IP
  'timeout', // something answers the connection but not the request in time: hung firmware
  'auth_failed', // the camera refuses camwatch's user/password
  'onvif_error', // SOAP fault or malformed answer
  'no_stream', // RTSP DESCRIBE fails (404, bad path)
  'no_frame', // stream opens but nothing decodable before the deadline
  'decode_error', // data arrives but cannot be decoded
  'clock_drift', // camera clock too far off: evidence timestamps are wrong
  'low_resolution', // below the configured minimum
  'snapshot_failed', // a full check's stream plays but the snapshot URL does not answer: image checks will fail
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

/** Kinds that leave the camera usable (stream works) but need fixing: stored as status "warn". */
export const WARNING_KINDS: readonly FailureKind[] = ['clock_drift', 'low_resolution', 'snapshot_failed'];

/** reach: TCP to the ONVIF port; rtsp_reach: TCP to the RTSP port (full checks). */
export type Stage = 'reach' | 'onvif' | 'rtsp_reach' | 'rtsp' | 'snapshot';

export class ProbeFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly stage: Stage,
    readonly detail: string,
  ) {
    super(`${stage}: ${kind}: ${detail}`);
    this.name = 'ProbeFailure';
  }
}

/** Runs `work` with a hard deadline; the timer is always cleared and `onTimeout` frees resources. */
export function withDeadline<T>(work: Promise<T>, deadlineMs: number, onTimeout: () => ProbeFailure): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), deadlineMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
