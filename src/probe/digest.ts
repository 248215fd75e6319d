/**
 * Client side of HTTP/RTSP Digest authentication (RFC 7616, MD5, with or without qop=auth):
 * what cameras implement. Used by the snapshot probe; the simulator checks answers with it too.
 */
import { createHash, randomBytes } from 'node:crypto';

export function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/** Parses `key=value, key="quoted, value"` parameters (after the scheme name). */
export function parseAuthParams(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = (m[1] ?? '').toLowerCase();
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/** Builds a Digest Authorization header answering `challenge` (a WWW-Authenticate value). */
export function digestAuthorization(
  challenge: string,
  request: { method: string; uri: string; username: string; password: string; nc?: number },
): string {
  const p = parseAuthParams(challenge.replace(/^\s*Digest\s+/i, ''));
  const realm = p.realm ?? '';
  const nonce = p.nonce ?? '';
  const ha1 = md5(`${request.username}:${realm}:${request.password}`);
  const ha2 = md5(`${request.method}:${request.uri}`);
  const qops = (p.qop ?? '').split(',').map((q) => q.trim());
  const parts = [`username="${request.username}"`, `realm="${realm}"`, `nonce="${nonce}"`, `uri="${request.uri}"`];
  if (qops.includes('auth')) {
    const nc = (request.nc ?? 1).toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    parts.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`, `response="${md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)}"`);
  } else {
    parts.push(`response="${md5(`${ha1}:${nonce}:${ha2}`)}"`);
  }
  if (p.algorithm) parts.push(`algorithm=${p.algorithm}`);
  if (p.opaque) parts.push(`opaque="${p.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

