/**
 * ONVIF Profile G, the client side: does the camera (or its NVR) hold a recording of a past time
 * range, and where is it replayed? GetCapabilities names the search and replay services;
 * FindRecordings + GetRecordingSearchResults list the recordings with the time each covers;
 * GetReplayUri gives the RTSP address of the one that covers the range. The replay itself goes
 * through the loopback relay (rtsp-relay.ts: `Require: onvif-replay`, `Range: clock=…`).
 *
 * The range is asked in the camera's own time: the camera's clock is read first and the range
 * shifted by its drift, as a recorder files its video by its own clock.
 */
import { z } from 'zod';
import { redactSecrets } from '../redact.js';
import { onvifClient, reachableUri, type OnvifTarget } from './onvif.js';
import { ProbeFailure, withDeadline } from './outcome.js';
import { escapeXml } from './xml.js';

/** A recording that covers the range, and the range in the camera's time. */
export interface ReplayFound {
  found: true;
  uri: string;
  recordingToken: string;
  /** the range asked, shifted into the camera's clock */
  cameraRange: { from: number; to: number };
  clockDriftS: number;
}

/** Why there is no replay: the clip is then recorded live, and says so. */
export interface ReplayMissing {
  found: false;
  reason: 'no_replay_service' | 'not_covered' | 'onvif_error';
  detail: string;
}

type Callback<T> = (error: Error | null, data?: T) => void;
interface RecordingCam {
  uri?: Record<string, unknown>;
  getSystemDateAndTime(cb: Callback<Date>): void;
  getCapabilities(cb: Callback<unknown>): void;
  getReplayUri(options: { recordingToken: string; protocol: string }, cb: Callback<unknown>): void;
  _request(options: { service: string; body: string }, cb: Callback<unknown>): void;
  _envelopeHeader(): string;
  _envelopeFooter(): string;
}

const SEARCH_NS = 'http://www.onvif.org/ver10/search/wsdl';
/** A camera that keeps more recordings than this (an NVR of many channels) is searched no further. */
const MAX_RECORDINGS = 20;

const oneOrMany = <T extends z.ZodTypeAny>(item: T) => z.union([z.array(item), item.transform((one) => [one])]);
const instant = z.union([z.date(), z.string().transform((s) => new Date(s))]).refine((d) => Number.isFinite(d.getTime()));
const recordingInformation = z.object({
  recordingToken: z.coerce.string().min(1),
  earliestRecording: instant,
  latestRecording: instant,
  track: oneOrMany(z.object({ trackType: z.coerce.string() }).passthrough()).optional(),
});
const searchResults = z.object({
  getRecordingSearchResultsResponse: z.object({
    resultList: z.object({ recordingInformation: oneOrMany(recordingInformation).optional() }).passthrough(),
  }),
});
const searchToken = z.object({ findRecordingsResponse: z.object({ searchToken: z.coerce.string().min(1) }) });
const uriAnswer = z.union([z.string().min(1), z.object({ uri: z.string().min(1) }).transform((a) => a.uri)]);

function call<T>(invoke: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      invoke((error, data) => (error ? reject(error) : resolve(data as T)));
    } catch (error) {
      reject(error as Error);
    }
  });
}

/** xml2js gives every element as an array: one element becomes itself, as the client's own calls do. */
function flatten(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 1 ? flatten(value[0]) : value.map(flatten);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, flatten(inner)]));
  return value;
}

const missing = (reason: ReplayMissing['reason'], detail: string): ReplayMissing => ({ found: false, reason, detail });

/** Looks for a recording of [from, to] (ms, our clock) on the camera; never throws. */
export async function findReplay(target: OnvifTarget, range: { from: number; to: number }, deadlineMs: number, now: () => number = Date.now): Promise<ReplayFound | ReplayMissing> {
  const cam = onvifClient<RecordingCam>(target, deadlineMs);
  const soap = (service: string, body: string) => call<unknown>((cb) => cam._request({ service, body: cam._envelopeHeader() + body + cam._envelopeFooter() }, cb)).then(flatten);

  const work = async (): Promise<ReplayFound | ReplayMissing> => {
    const cameraTime = await call<Date>((cb) => cam.getSystemDateAndTime(cb));
    const measured = cameraTime instanceof Date ? Math.round((cameraTime.getTime() - now()) / 1000) : 0;
    // The camera tells its time in whole seconds: a second either way is no drift.
    const clockDriftS = Math.abs(measured) <= 1 ? 0 : measured;
    await call((cb) => cam.getCapabilities(cb));
    if (!cam.uri?.search || !cam.uri.replay) return missing('no_replay_service', 'the camera announces no ONVIF search and replay services (Profile G)');
    const cameraRange = { from: range.from + clockDriftS * 1000, to: range.to + clockDriftS * 1000 };
    const token = searchToken.safeParse(
      await soap('search', `<FindRecordings xmlns="${SEARCH_NS}"><Scope/><MaxMatches>${MAX_RECORDINGS}</MaxMatches><KeepAliveTime>PT10S</KeepAliveTime></FindRecordings>`),
    );
    if (!token.success) return missing('onvif_error', 'FindRecordings: no search token in the answer');
    const results = searchResults.safeParse(
      await soap(
        'search',
        `<GetRecordingSearchResults xmlns="${SEARCH_NS}"><SearchToken>${escapeXml(token.data.findRecordingsResponse.searchToken)}</SearchToken>` +
          `<MinResults>1</MinResults><MaxResults>${MAX_RECORDINGS}</MaxResults><WaitTime>PT5S</WaitTime></GetRecordingSearchResults>`,
      ),
    );
    // The search is over either way; a camera that does not end it on request ends it on its keep-alive.
    await soap('search', `<EndSearch xmlns="${SEARCH_NS}"><SearchToken>${escapeXml(token.data.findRecordingsResponse.searchToken)}</SearchToken></EndSearch>`).catch(() => undefined);
    if (!results.success) return missing('onvif_error', 'GetRecordingSearchResults: malformed answer');
    const recordings = results.data.getRecordingSearchResultsResponse.resultList.recordingInformation ?? [];
    const covering = recordings.find(
      (r) => r.earliestRecording.getTime() <= cameraRange.from && r.latestRecording.getTime() >= cameraRange.to && (r.track ?? [{ trackType: 'Video' }]).some((t) => t.trackType === 'Video'),
    );
    if (!covering) {
      const held = recordings.map((r) => `${r.earliestRecording.toISOString()}–${r.latestRecording.toISOString()}`).join(', ') || 'none';
      return missing('not_covered', `no recording on the camera covers the range (it holds: ${held})`);
    }
    const answer = uriAnswer.safeParse(
      await call((cb) => cam.getReplayUri({ recordingToken: escapeXml(covering.recordingToken), protocol: 'RTSP' }, cb)),
    );
    const uri = answer.success ? reachableUri(answer.data, target.host, ['rtsp:', 'rtsps:']) : undefined;
    if (!uri) return missing('onvif_error', 'GetReplayUri: no RTSP address in the answer');
    return { found: true, uri, recordingToken: covering.recordingToken, cameraRange, clockDriftS };
  };
  return withDeadline(work(), deadlineMs, () => new ProbeFailure('timeout', 'onvif', `no complete Profile G answer within ${deadlineMs} ms`)).catch((error: unknown) =>
    missing('onvif_error', redactSecrets(error instanceof Error ? error.message : String(error), [target.password]).slice(0, 200)),
  );
}
