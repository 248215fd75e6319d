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
 *
 * For a replay of a recording (ONVIF Profile G) it also says what ffmpeg cannot: every request
 * carries `Require: onvif-replay`, and PLAY asks for the range as absolute camera time
 * (`Range: clock=…`) in place of ffmpeg's `npt=0.000-`.
 */
import net from 'node:net';
import { header, pickChallenge, serialise, takeMessage, withAuthorization, type Credentials, type Message } from './rtsp-message.js';

export interface RtspRelay {
  /** what ffmpeg opens instead of the camera's URL: same path and query, no credentials */
  url: string;
  close(): void;
}

export type RelayCredentials = Credentials;

/** A past range to replay, ms of the camera's clock. */
export interface ReplayRange {
  from: number;
  to: number;
}

/** `20261204T184500Z`: the absolute time RTSP ranges use (RFC 2326 3.7), whole seconds. */
export function rtspClock(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The request as the camera must see it for a replay: Require on all, the clock range on PLAY. */
export function asReplayRequest(request: Message, range: ReplayRange): Message {
  const play = request.startLine.startsWith('PLAY ');
  const headers = request.headers.filter(([key]) => !['require', ...(play ? ['range'] : [])].includes(key.toLowerCase()));
  headers.push(['Require', 'onvif-replay']);
  if (play) headers.push(['Range', `clock=${rtspClock(range.from)}-${rtspClock(range.to)}`]);
  return { ...request, headers };
}

const ANY_RTSP_BASE = /^rtsps?:\/\/[^/\s]+/i;

export async function openRtspRelay(cameraUrl: string, credentials: RelayCredentials, replay?: ReplayRange): Promise<RtspRelay> {
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

    const authorised = (request: Message): Message => (challenge ? withAuthorization(request, challenge, credentials, ++nonceCount) : request);

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
          const request = { ...taken.message, startLine: `${method} ${uri.replace(ANY_RTSP_BASE, cameraBase)} ${version}` };
          toCamera(replay ? asReplayRequest(request, replay) : request);
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
            challenge = pickChallenge(response) ?? asked;
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
