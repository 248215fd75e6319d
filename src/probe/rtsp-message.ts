/**
 * RTSP/1.0 messages as both the loopback relay (rtsp-relay.ts) and the in-process client
 * (rtsp-client.ts) read and write them: framing with bounds on head and body size, and the
 * Authorization header that answers a camera's Digest or Basic challenge.
 */
import { digestAuthorization } from './digest.js';

/** A head longer than this is not RTSP (a hostile or broken camera): the connection is dropped. */
export const MAX_HEAD_BYTES = 64 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');

export interface Message {
  startLine: string;
  headers: [string, string][];
  body: Buffer;
}

export interface Credentials {
  username: string;
  password: string;
}

export class RtspFramingError extends Error {
  override name = 'RtspFramingError';
}

export function header(message: Message, name: string): string | undefined {
  return message.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

export function serialise(message: Message): Buffer {
  const head = [message.startLine, ...message.headers.map(([key, value]) => `${key}: ${value}`)].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), message.body]);
}

/** Takes one whole RTSP message off the front of `buffer`; undefined while incomplete. Throws RtspFramingError on a head too long or a body out of bounds. */
export function takeMessage(buffer: Buffer): { message: Message; rest: Buffer } | undefined {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) {
    if (buffer.length > MAX_HEAD_BYTES) throw new RtspFramingError('RTSP head too long');
    return undefined;
  }
  if (end > MAX_HEAD_BYTES) throw new RtspFramingError('RTSP head too long');
  const lines = buffer.subarray(0, end).toString('utf8').split('\r\n');
  const headers = lines.slice(1).flatMap((line): [string, string][] => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()]] : [];
  });
  const length = Number(headers.find(([key]) => key.toLowerCase() === 'content-length')?.[1] ?? 0);
  if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) throw new RtspFramingError('RTSP body length out of bounds');
  const total = end + HEAD_END.length + length;
  if (buffer.length < total) return undefined;
  return { message: { startLine: lines[0] ?? '', headers, body: buffer.subarray(end + HEAD_END.length, total) }, rest: buffer.subarray(total) };
}

/** The challenge to answer among a 401's WWW-Authenticate headers: Digest when offered, else the first. */
export function pickChallenge(response: Message): string | undefined {
  const offered = response.headers.filter(([key]) => key.toLowerCase() === 'www-authenticate').map(([, value]) => value);
  return offered.find((value) => /^\s*digest/i.test(value)) ?? offered[0];
}

/** The Authorization value answering `challenge` (Digest, or Basic when that is all the camera asks). */
export function authorization(challenge: string, method: string, uri: string, credentials: Credentials, nc: number): string {
  return /^\s*digest/i.test(challenge)
    ? digestAuthorization(challenge, { method, uri, username: credentials.username, password: credentials.password, nc })
    : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** `request` with its Authorization replaced by one answering `challenge`. */
export function withAuthorization(request: Message, challenge: string, credentials: Credentials, nc: number): Message {
  const [method = '', uri = ''] = request.startLine.split(' ');
  return {
    ...request,
    headers: [...request.headers.filter(([key]) => key.toLowerCase() !== 'authorization'), ['Authorization', authorization(challenge, method, uri, credentials, nc)]],
  };
}
