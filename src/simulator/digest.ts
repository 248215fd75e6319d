/**
 * HTTP/RTSP authentication for the simulated cameras: Digest (RFC 7616 MD5, with and without
 * qop=auth, as cameras and ffmpeg use it) and Basic, plus a tiny Digest client used by tests.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { digestAuthorization, md5, parseAuthParams } from '../probe/digest.js';

export { digestAuthorization };

const NONCE_MAX_AGE_MS = 60 * 60 * 1000;

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Issues nonces (HMAC-signed, time-stamped: no per-client state) and checks Authorization headers.
 */
export class DigestAuthority {
  private readonly secret = randomBytes(16);
  /** Logins that carried credentials and were refused: what a camera's lockout counts. */
  failures = 0;

  constructor(readonly realm: string, private readonly qop: boolean) {}

  nonce(): string {
    const stamp = Date.now().toString(16);
    const mac = createHmac('sha256', this.secret).update(stamp).digest('hex').slice(0, 24);
    return `${stamp}${mac}`;
  }

  private nonceValid(nonce: string): boolean {
    const stamp = nonce.slice(0, -24);
    const mac = nonce.slice(-24);
    if (!stamp || !/^[0-9a-f]+$/.test(stamp)) return false;
    const expected = createHmac('sha256', this.secret).update(stamp).digest('hex').slice(0, 24);
    if (!safeEqual(mac, expected)) return false;
    return Date.now() - parseInt(stamp, 16) < NONCE_MAX_AGE_MS;
  }

  /** Value of a WWW-Authenticate header asking for Digest. */
  challenge(): string {
    const qop = this.qop ? ', qop="auth"' : '';
    return `Digest realm="${this.realm}", nonce="${this.nonce()}", algorithm=MD5${qop}`;
  }

  basicChallenge(): string {
    return `Basic realm="${this.realm}"`;
  }

  /**
   * true when `authorization` carries valid Digest (or, when allowed, Basic) credentials for
   * `expected`. The Digest `uri` is taken from the header (clients send absolute RTSP URLs).
   */
  verify(authorization: string | undefined, method: string, expected: Credentials, allowBasic: boolean): boolean {
    if (!authorization) return false;
    const ok = this.check(authorization, method, expected, allowBasic);
    if (!ok) this.failures++;
    return ok;
  }

  private check(authorization: string, method: string, expected: Credentials, allowBasic: boolean): boolean {
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : authorization.slice(space + 1);
    if (scheme === 'basic') {
      if (!allowBasic) return false;
      const decoded = Buffer.from(rest.trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      return safeEqual(decoded.slice(0, colon), expected.username) && safeEqual(decoded.slice(colon + 1), expected.password);
    }
    if (scheme !== 'digest') return false;
    const p = parseAuthParams(rest);
    const { username, realm, nonce, uri, response } = p;
    if (!username || !nonce || !uri || !response || realm !== this.realm) return false;
    if (username !== expected.username || !this.nonceValid(nonce)) return false;
    const algorithm = (p.algorithm ?? 'MD5').toUpperCase();
    if (algorithm !== 'MD5') return false;
    const ha1 = md5(`${username}:${realm}:${expected.password}`);
    const ha2 = md5(`${method}:${uri}`);
    let wanted: string;
    if (p.qop) {
      if (p.qop !== 'auth' || !p.nc || !p.cnonce) return false;
      wanted = md5(`${ha1}:${nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    } else {
      wanted = md5(`${ha1}:${nonce}:${ha2}`);
    }
    return safeEqual(wanted, response.toLowerCase());
  }
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function plainGet(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

/**
 * GET with HTTP Digest: one unauthenticated request, then one answering the 401 challenge.
 * Small on purpose (tests, demo); the daemon's snapshot probe has its own client.
 */
export async function httpGetDigest(url: string, credentials: Credentials | undefined, timeoutMs = 5000): Promise<SimpleResponse> {
  const target = new URL(url);
  const first = await plainGet(target, {}, timeoutMs);
  if (first.status !== 401 || !credentials) return first;
  const raw = first.headers['www-authenticate'];
  const challenges = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const digest = challenges.find((c) => /^\s*Digest\s/i.test(c));
  if (!digest) return first;
  const authorization = digestAuthorization(digest, {
    method: 'GET',
    uri: target.pathname + target.search,
    username: credentials.username,
    password: credentials.password,
  });
  return plainGet(target, { Authorization: authorization }, timeoutMs);
}
