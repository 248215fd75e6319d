/**
 * Hostile cameras: what broken or malicious firmware sends, so that every probe stage can be shown
 * to stay bounded in time and memory, to classify the fault, and never to crash the daemon. Each
 * takes over a raw socket of the camera's HTTP (ONVIF and snapshot) or RTSP port, but
 * `discovery_garbage`, which spoils the camera's WS-Discovery answers (discovery.ts).
 */
import type net from 'node:net';

export const HOSTILE_FAULTS = [
  'onvif_slow', // answers one byte a second (slow-loris), for ever
  'onvif_huge', // a 10 MB answer of deeply nested XML
  'onvif_entities', // "billion laughs": entities of entities
  'http_lies', // a JPEG announced as text/html with a Content-Length ten times the body, then silence
  'http_redirect_loop', // every request is redirected to itself
  'rtsp_garbage', // random bytes on the RTSP port
  'rtsp_endless_headers', // an answer whose header lines never end
  'discovery_garbage', // answers a WS-Discovery probe (when the fleet answers them) with broken replies only: see discovery.ts
] as const;
export type HostileFault = (typeof HOSTILE_FAULTS)[number];

export function isHostile(fault: string): fault is HostileFault {
  return (HOSTILE_FAULTS as readonly string[]).includes(fault);
}

/** Writes `next()` every `everyMs` until the socket closes. */
function trickle(socket: net.Socket, everyMs: number, next: () => string | Buffer) {
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableNeedDrain) return;
    socket.write(next());
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

/** Answers after the request head arrived, as a camera would. */
function onRequest(socket: net.Socket, answer: (head: string) => void) {
  let head = '';
  const onData = (chunk: Buffer) => {
    head += chunk.toString('latin1');
    if (!head.includes('\r\n\r\n')) return;
    socket.off('data', onData);
    answer(head);
  };
  socket.on('data', onData);
}

const HUGE_BYTES = 10 * 1024 * 1024;

function hugeNestedXml(): Buffer {
  const open = '<a>';
  const close = '</a>';
  const depth = Math.floor((HUGE_BYTES - 200) / (open.length + close.length));
  return Buffer.from(`<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>${open.repeat(depth)}${close.repeat(depth)}</s:Body></s:Envelope>`);
}

const BILLION_LAUGHS = [
  '<?xml version="1.0"?>',
  '<!DOCTYPE lolz [<!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><lolz>&lol9;</lolz></s:Body></s:Envelope>',
].join('\n');

export function hostileHttp(fault: HostileFault, socket: net.Socket): boolean {
  switch (fault) {
    case 'onvif_slow':
      onRequest(socket, () => {
        const answer = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: 100000\r\n\r\n<?xml version="1.0"?>');
        let at = 0;
        trickle(socket, 1000, () => answer.subarray(at, ++at));
      });
      return true;
    case 'onvif_huge':
      onRequest(socket, () => {
        const body = hugeNestedXml();
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.end(body);
      });
      return true;
    case 'onvif_entities':
      onRequest(socket, () => socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nContent-Length: ${Buffer.byteLength(BILLION_LAUGHS)}\r\n\r\n${BILLION_LAUGHS}`));
      return true;
    case 'http_lies':
      onRequest(socket, () => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n${'\u00ff\u00d8'.padEnd(10_000, 'x')}`, 'latin1'));
      return true;
    case 'http_redirect_loop':
      onRequest(socket, (head) => {
        const path = head.split(' ')[1] ?? '/';
        socket.end(`HTTP/1.1 302 Found\r\nLocation: ${path}\r\nContent-Length: 0\r\n\r\n`);
      });
      return true;
    default:
      return false;
  }
}

export function hostileRtsp(fault: HostileFault, socket: net.Socket): boolean {
  switch (fault) {
    case 'rtsp_garbage':
      onRequest(socket, () => trickle(socket, 10, () => Buffer.from(Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256)))));
      return true;
    case 'rtsp_endless_headers':
      onRequest(socket, () => {
        socket.write('RTSP/1.0 200 OK\r\nCSeq: 1\r\n');
        let n = 0;
        trickle(socket, 5, () => `X-Junk-${n++}: ${'y'.repeat(1000)}\r\n`);
      });
      return true;
    default:
      return false;
  }
}
