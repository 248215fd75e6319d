/**
 * A loopback RTSP relay that adds the camera's credentials itself, so that ffmpeg is given
 * rtsp://127.0.0.1:<port>/… and its command line (readable by every local user in `ps` and
 * /proc/<pid>/cmdline) never holds a password.
 *
 * It reads the RTSP conversation until the camera answers PLAY: request URLs are pointed back at
 * the camera, a 401 is answered by the relay (Digest, or Basic when that is all the camera asks)
 * and the request sent again, and Content-Base is pointed at the relay. After PLAY the
 * connection carries interleaved RTP and is piped through untouched. One relay serves one
 * ffmpeg; it accepts connections only on 127.0.0.1 and only while it is open.
 */
import net from 'node:net';
import { digestAuthorization } from './digest.js';

export interface RtspRelay {
  /** what ffmpeg opens instead of the camera's URL: same path and query, no credentials */
  url: string;
  close(): void;
}

export interface RelayCredentials {
  username: string;
  password: string;
}

/** A head longer than this is not RTSP (a hostile or broken camera): the connection is dropped. */
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_BODY_BYTES = 1024 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const ANY_RTSP_BASE = /^rtsps?:\/\/[^/\s]+/i;

interface Message {
  startLine: string;
  headers: [string, string][];
  body: Buffer;
}

function header(message: Message, name: string): string | undefined {
  return message.headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
}

function serialise(message: Message): Buffer {
  const head = [message.startLine, ...message.headers.map(([key, value]) => `${key}: ${value}`)].join('\r\n') + '\r\n\r\n';
  return Buffer.concat([Buffer.from(head, 'utf8'), message.body]);
}

/** Takes one whole RTSP message off the front of `buffer`; undefined while incomplete. Throws on a head too long. */
function takeMessage(buffer: Buffer): { message: Message; rest: Buffer } | undefined {
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) {
    if (buffer.length > MAX_HEAD_BYTES) throw new Error('RTSP head too long');
    return undefined;
  }
  const lines = buffer.subarray(0, end).toString('utf8').split('\r\n');
  const headers = lines.slice(1).flatMap((line): [string, string][] => {
    const colon = line.indexOf(':');
    return colon > 0 ? [[line.slice(0, colon).trim(), line.slice(colon + 1).trim()]] : [];
  });
  const length = Number(headers.find(([key]) => key.toLowerCase() === 'content-length')?.[1] ?? 0);
  if (!Number.isFinite(length) || length < 0 || length > MAX_BODY_BYTES) throw new Error('RTSP body length out of bounds');
  const total = end + HEAD_END.length + length;
  if (buffer.length < total) return undefined;
  return { message: { startLine: lines[0] ?? '', headers, body: buffer.subarray(end + HEAD_END.length, total) }, rest: buffer.subarray(total) };
}

export async function openRtspRelay(cameraUrl: string, credentials: RelayCredentials): Promise<RtspRelay> {
  const camera = new URL(cameraUrl);
  camera.username = '';
  camera.password = '';
  const cameraBase = `${camera.protocol}//${camera.host}`;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => relay(client));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const localBase = `rtsp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;

  function relay(client: net.Socket) {
    const upstream = net.connect(Number(camera.port || 554), camera.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());

    let fromClient: Buffer = Buffer.alloc(0);
    let fromCamera: Buffer = Buffer.alloc(0);
    let piping = false;
    let challenge: string | undefined;
    let nonceCount = 0;
    /** requests sent to the camera and not yet answered, by CSeq, and whether auth was already added */
    const sent = new Map<string, { request: Message; withAuth: boolean }>();

    const authorised = (request: Message): Message => {
      if (!challenge) return request;
      const [method = '', uri = ''] = request.startLine.split(' ');
      const value = /^\s*digest/i.test(challenge)
        ? digestAuthorization(challenge, { method, uri, username: credentials.username, password: credentials.password, nc: ++nonceCount })
        : `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      return { ...request, headers: [...request.headers.filter(([key]) => key.toLowerCase() !== 'authorization'), ['Authorization', value]] };
    };

    const toCamera = (request: Message) => {
      const withAuth = challenge !== undefined;
      sent.set(header(request, 'CSeq') ?? '', { request, withAuth });
      upstream.write(serialise(authorised(request)));
    };

    const startPiping = () => {
      piping = true;
      if (fromCamera.length) client.write(fromCamera);
      if (fromClient.length) upstream.write(fromClient);
      fromCamera = Buffer.alloc(0);
      fromClient = Buffer.alloc(0);
    };

    client.on('data', (chunk: Buffer) => {
      if (piping) return void upstream.write(chunk);
      fromClient = Buffer.concat([fromClient, chunk]);
      try {
        for (let taken = takeMessage(fromClient); taken; taken = takeMessage(fromClient)) {
          fromClient = taken.rest;
          const [method = '', uri = '', version = 'RTSP/1.0'] = taken.message.startLine.split(' ');
          toCamera({ ...taken.message, startLine: `${method} ${uri.replace(ANY_RTSP_BASE, cameraBase)} ${version}` });
        }
      } catch {
        client.destroy();
      }
    });

    upstream.on('data', (chunk: Buffer) => {
      if (piping) return void client.write(chunk);
      fromCamera = Buffer.concat([fromCamera, chunk]);
      try {
        while (!piping && fromCamera.length > 0) {
          // Interleaved media ("$") before the PLAY answer: nothing more to read as RTSP.
          if (fromCamera[0] === 0x24) return startPiping();
          const taken = takeMessage(fromCamera);
          if (!taken) return;
          fromCamera = taken.rest;
          const response = taken.message;
          const status = Number(response.startLine.split(' ')[1]);
          const cseq = header(response, 'CSeq') ?? '';
          const pending = sent.get(cseq);
          sent.delete(cseq);
          const asked = header(response, 'WWW-Authenticate');
          if (status === 401 && pending && !pending.withAuth && asked) {
            // The relay answers the challenge; ffmpeg never sees it. A second 401 goes through:
            // the password is wrong, and ffmpeg reports it as such.
            challenge = response.headers.filter(([key]) => key.toLowerCase() === 'www-authenticate').map(([, value]) => value).find((value) => /^\s*digest/i.test(value)) ?? asked;
            toCamera(pending.request);
            continue;
          }
          const headers = response.headers.map(([key, value]): [string, string] =>
            ['content-base', 'content-location'].includes(key.toLowerCase()) ? [key, value.replace(ANY_RTSP_BASE, localBase)] : [key, value],
          );
          client.write(serialise({ ...response, headers }));
          if (pending?.request.startLine.startsWith('PLAY ') && status >= 200 && status < 300) startPiping();
        }
      } catch {
        upstream.destroy();
      }
    });
  }

  const local = new URL(camera.toString());
  return {
    url: `${localBase}${local.pathname}${local.search}`,
    close() {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}
