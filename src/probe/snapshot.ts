/**
 * Fetches the camera's HTTP snapshot (the ONVIF snapshot URI) with Digest or Basic auth,
 * under one deadline for the whole exchange. Far cheaper than decoding the RTSP stream.
 */
import { digestAuthorization } from './digest.js';
import { ProbeFailure } from './outcome.js';
import { redactUrlCredentials } from '../redact.js';
import { withDeadline } from '../deadline.js';

export interface SnapshotOptions {
  username: string;
  password: string;
  deadlineMs: number;
  maxBytes?: number;
  /** shutdown: abort before the deadline */
  signal?: AbortSignal | undefined;
}

function classifyNetwork(error: unknown, url: URL, deadlineMs: number): ProbeFailure {
  if (error instanceof ProbeFailure) return error;
  const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
  if (cause === 'TimeoutError' || cause === 'AbortError' || cause === 'UND_ERR_HEADERS_TIMEOUT') {
    return new ProbeFailure('timeout', 'snapshot', `no snapshot from ${url.host} within ${deadlineMs} ms`);
  }
  return new ProbeFailure('unreachable', 'snapshot', `${url.host}: ${cause}`);
}

export async function fetchSnapshot(rawUrl: string, options: SnapshotOptions): Promise<Buffer> {
  const url = new URL(rawUrl);
  url.username = '';
  url.password = '';
  const late = () => new ProbeFailure('timeout', 'snapshot', `no snapshot from ${url.host} within ${options.deadlineMs} ms`);
  return await withDeadline(options.deadlineMs, options.signal, (signal) => snapshotWithin(url, options, signal), late);
}

async function snapshotWithin(url: URL, options: SnapshotOptions, signal: AbortSignal): Promise<Buffer> {
  const get = (authorization?: string) =>
    fetch(url, { signal, headers: authorization ? { authorization } : {}, redirect: 'error' }).catch((error: unknown) => {
      throw classifyNetwork(error, url, options.deadlineMs);
    });

  let response = await get();
  if (response.status === 401) {
    const challenge = response.headers.get('www-authenticate') ?? '';
    await response.body?.cancel();
    const authorization = /^Digest/i.test(challenge)
      ? digestAuthorization(challenge, { method: 'GET', uri: url.pathname + url.search, username: options.username, password: options.password })
      : 'Basic ' + Buffer.from(`${options.username}:${options.password}`).toString('base64');
    response = await get(authorization);
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new ProbeFailure('auth_failed', 'snapshot', 'the camera refused the user/password for the snapshot');
    }
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ProbeFailure('no_stream', 'snapshot', `snapshot URL answered HTTP ${response.status} (${redactUrlCredentials(url.pathname)})`);
  }
  // Read with a cap: a snapshot URL that is really an MJPEG stream must not fill memory.
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const reader = response.body?.getReader();
    for (let next = await reader?.read(); next && !next.done; next = await reader?.read()) {
      size += next.value.length;
      if (size > maxBytes) {
        await reader?.cancel().catch(() => {});
        throw new ProbeFailure('decode_error', 'snapshot', 'the snapshot is larger than 10 MB (is the URL a video stream?)');
      }
      chunks.push(Buffer.from(next.value));
    }
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    throw classifyNetwork(error, url, options.deadlineMs);
  }
  const body = Buffer.concat(chunks);
  if (body[0] !== 0xff || body[1] !== 0xd8) throw new ProbeFailure('decode_error', 'snapshot', 'the snapshot is not a JPEG image');
  return body;
}
