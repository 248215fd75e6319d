/** Test servers shared by the probe tests (they listen wherever the test puts them: 127.0.0.1). */
import net from 'node:net';

/**
 * An RTSP server that describes and plays a stream (H.264 unless told another encoding), then
 * sends nothing or only junk; `cseq: false` answers without CSeq, as some firmware does.
 */
export const fakeRtsp = (junk: boolean, encoding = 'H264', { cseq: echoCseq = true } = {}): net.Server => {
  const sdp = ['v=0', 'o=- 0 0 IN IP4 127.0.0.1', 's=fake', 't=0 0', 'm=video 0 RTP/AVP 96', `a=rtpmap:96 ${encoding}/90000`,
    'a=fmtp:96 packetization-mode=1;profile-level-id=42C01E;sprop-parameter-sets=Z0LAHtkAoC/5YQAAAwABAAADAB4PFi5I,aMuMsg==', 'a=control:track1', ''].join('\r\n');
  return net.createServer((socket) => {
    let buffer = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (data) => {
      buffer += data.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n\r\n')) >= 0) {
        const request = buffer.slice(0, end);
        buffer = buffer.slice(end + 4);
        const method = request.split(' ')[0];
        const cseq = /CSeq:\s*(\d+)/i.exec(request)?.[1];
        const head = (extra: string, body = '') => socket.write(`RTSP/1.0 200 OK\r\n${echoCseq ? `CSeq: ${cseq}\r\n` : ''}${extra}Content-Length: ${body.length}\r\n\r\n${body}`);
        if (method === 'OPTIONS') head('Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n');
        else if (method === 'DESCRIBE') head('Content-Type: application/sdp\r\n', sdp);
        else if (method === 'SETUP') head('Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 12345678\r\n');
        else head('Session: 12345678\r\n');
        if (method === 'PLAY' && junk) {
          let seq = 0;
          // IDR slices (NAL type 5) full of noise: they parse as packets but never decode.
          timer = setInterval(() => {
            const rtp = Buffer.alloc(12 + 600);
            rtp.writeUInt8(0x80, 0);
            rtp.writeUInt8(0x80 | 96, 1);
            rtp.writeUInt16BE(seq++ & 0xffff, 2);
            rtp.writeUInt32BE(seq * 6000, 4);
            rtp.writeUInt32BE(0x1234, 8);
            for (let i = 12; i < rtp.length; i++) rtp[i] = (i * 7919 + seq * 31) & 0xff;
            rtp[12] = 0x65;
            const frame = Buffer.alloc(4);
            frame.writeUInt8(0x24, 0);
            frame.writeUInt8(0, 1);
            frame.writeUInt16BE(rtp.length, 2);
            socket.write(Buffer.concat([frame, rtp]));
          }, 40);
        }
      }
    });
    socket.on('close', () => clearInterval(timer));
    socket.on('error', () => {});
  });
};
