/**
 * Depacketisation with hand-built RTP packets: what arrives over the wire, piece by piece.
 */
import { describe, expect, it } from 'vitest';
import { KeyframeAssembler, parseRtp, parseSdpVideo, type RtpPacket } from '../../src/probe/depacketize.js';

const SPS = Buffer.from([0x67, 0x42, 0x00, 0x1f, 0xaa]);
const PPS = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const idr = (size: number, fill = 0x11) => Buffer.concat([Buffer.from([0x65]), Buffer.alloc(size - 1, fill)]);
const slice = Buffer.from([0x41, 0x9a, 0x22, 0x33]);
const START = Buffer.from([0, 0, 0, 1]);
const annexB = (...nals: Buffer[]) => Buffer.concat(nals.flatMap((nal) => [START, nal]));

let sequence = 1000;
const packet = (payload: Buffer, timestamp: number, marker = false): RtpPacket => ({ marker, payloadType: 96, sequence: sequence++ & 0xffff, timestamp, payload });

/** FU-A fragments of an H.264 NAL unit, `size` payload bytes each. */
function fuA(nal: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 1; offset < nal.length; offset += size) {
    const end = Math.min(nal.length, offset + size);
    const header = (offset === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | (nal[0]! & 0x1f);
    out.push(Buffer.concat([Buffer.from([(nal[0]! & 0xe0) | 28, header]), nal.subarray(offset, end)]));
  }
  return out;
}

function stapA(...nals: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from([0x18]), ...nals.flatMap((nal) => [Buffer.from([nal.length >> 8, nal.length & 0xff]), nal])]);
}

/** Feeds the packets; returns every access unit the assembler hands out. */
function feed(assembler: KeyframeAssembler, packets: RtpPacket[]): Buffer[] {
  return packets.flatMap((p) => assembler.push(p) ?? []);
}

describe('H.264 depacketisation', () => {
  it('joins an IDR fragmented (FU-A) across packets and puts the SDP parameter sets in front', () => {
    const nal = idr(5000);
    const fragments = fuA(nal, 1400);
    expect(fragments.length).toBe(4);
    const out = feed(new KeyframeAssembler('h264', [SPS, PPS]), fragments.map((f, i) => packet(f, 9000, i === fragments.length - 1)));
    expect(out).toEqual([annexB(SPS, PPS, nal)]);
  });

  it('reads SPS and PPS sent in-band in a STAP-A when the SDP has none, and skips the frames before the keyframe', () => {
    const nal = idr(3000, 0x22);
    const assembler = new KeyframeAssembler('h264');
    const out = feed(assembler, [
      packet(slice, 1000, true),
      packet(stapA(SPS, PPS), 4000),
      ...fuA(nal, 1000).map((f, i, all) => packet(f, 4000, i === all.length - 1)),
      packet(slice, 7000, true),
    ]);
    expect(out).toEqual([annexB(SPS, PPS, nal)]);
    // the P frame before, the keyframe, the P frame after
    expect(assembler.stats.accessUnits).toBe(3);
  });

  it('a keyframe without parameter sets anywhere is not handed out', () => {
    expect(feed(new KeyframeAssembler('h264'), [packet(idr(100), 1, true)])).toEqual([]);
  });

  it('a lost fragment drops that keyframe and the next keyframe is the one handed out', () => {
    const first = idr(4000, 0x33);
    const second = idr(4000, 0x44);
    // Packets numbered as sent, then one lost on the way.
    const sent = fuA(first, 1000).map((f, i, all) => packet(f, 100, i === all.length - 1));
    sent.splice(2, 1);
    const assembler = new KeyframeAssembler('h264', [SPS, PPS]);
    const out = feed(assembler, [
      ...sent,
      packet(slice, 200, true),
      ...fuA(second, 1000).map((f, i, all) => packet(f, 300, i === all.length - 1)),
    ]);
    // The gap in sequence numbers is what gives the loss away: the fragments themselves look whole.
    expect(out).toEqual([annexB(SPS, PPS, second)]);
    expect(assembler.stats.droppedAccessUnits).toBe(1);
  });

  it('joining in the middle of a fragmented keyframe (no start fragment) waits for the next one', () => {
    const nal = idr(4000);
    const fragments = fuA(nal, 1000);
    const out = feed(new KeyframeAssembler('h264', [SPS, PPS]), [
      ...fragments.slice(1).map((f, i, all) => packet(f, 100, i === all.length - 1)),
      ...fragments.map((f, i, all) => packet(f, 200, i === all.length - 1)),
    ]);
    expect(out).toEqual([annexB(SPS, PPS, nal)]);
  });

  it('an access unit that ends without its marker still ends when the timestamp moves on', () => {
    const nal = idr(50);
    const out = feed(new KeyframeAssembler('h264', [SPS, PPS]), [packet(nal, 100), packet(slice, 200)]);
    expect(out).toEqual([annexB(SPS, PPS, nal)]);
  });

  it('a NAL unit above the cap is dropped, and memory stays bounded', () => {
    const assembler = new KeyframeAssembler('h264', [SPS, PPS], { maxNalBytes: 2000, maxAccessUnitBytes: 10_000 });
    const big = idr(5000);
    const small = idr(1500);
    const out = feed(assembler, [
      ...fuA(big, 1000).map((f, i, all) => packet(f, 100, i === all.length - 1)),
      ...fuA(small, 1000).map((f, i, all) => packet(f, 200, i === all.length - 1)),
    ]);
    expect(out).toEqual([annexB(SPS, PPS, small)]);
  });

  it('a malformed STAP-A (size past its end) drops its access unit', () => {
    const broken = Buffer.from([0x18, 0x00, 0x40, 0x65, 0x01]);
    expect(feed(new KeyframeAssembler('h264', [SPS, PPS]), [packet(broken, 100, true)])).toEqual([]);
  });
});

describe('H.265 depacketisation', () => {
  const h265 = (type: number, body: Buffer) => Buffer.concat([Buffer.from([type << 1, 0x01]), body]);
  const VPS = h265(32, Buffer.from([0x0c, 0x01]));
  const HSPS = h265(33, Buffer.from([0x01, 0x01, 0x60]));
  const HPPS = h265(34, Buffer.from([0xc1, 0x72]));
  const cra = h265(21, Buffer.alloc(3000, 0x55));
  const trail = h265(1, Buffer.from([0x01, 0x02]));

  /** FU (type 49): 2-byte payload header, FU header with S/E and the NAL type, then the data after the 2-byte NAL header. */
  function fu(nal: Buffer, size: number): Buffer[] {
    const type = (nal[0]! >> 1) & 0x3f;
    const out: Buffer[] = [];
    for (let offset = 2; offset < nal.length; offset += size) {
      const end = Math.min(nal.length, offset + size);
      const header = (offset === 2 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
      out.push(Buffer.concat([Buffer.from([(nal[0]! & 0x81) | (49 << 1), nal[1]!, header]), nal.subarray(offset, end)]));
    }
    return out;
  }
  const ap = (...nals: Buffer[]) => Buffer.concat([Buffer.from([48 << 1, 0x01]), ...nals.flatMap((nal) => [Buffer.from([nal.length >> 8, nal.length & 0xff]), nal])]);

  it('reads VPS/SPS/PPS from an aggregation packet and joins an IRAP picture sent in fragments', () => {
    const out = feed(new KeyframeAssembler('hevc'), [
      packet(trail, 10, true),
      packet(ap(VPS, HSPS, HPPS), 20),
      ...fu(cra, 1200).map((f, i, all) => packet(f, 20, i === all.length - 1)),
    ]);
    expect(out).toEqual([annexB(VPS, HSPS, HPPS, cra)]);
  });

  it('takes parameter sets from the SDP (sprop-vps/sps/pps) and drops a picture with a lost fragment', () => {
    const sdp = [
      'v=0',
      'm=video 0 RTP/AVP 98',
      'a=rtpmap:98 H265/90000',
      `a=fmtp:98 sprop-vps=${VPS.toString('base64')}; sprop-sps=${HSPS.toString('base64')}; sprop-pps=${HPPS.toString('base64')}`,
      'a=control:trackID=1',
      'a=framerate:15',
      '',
    ].join('\r\n');
    const video = parseSdpVideo(sdp)!;
    expect(video).toMatchObject({ codec: 'hevc', payloadType: 98, control: 'trackID=1', fps: 15 });
    const assembler = new KeyframeAssembler('hevc', video.parameterSets);
    const sent = fu(cra, 1000).map((f, i, all) => packet(f, 10, i === all.length - 1));
    const out = feed(assembler, [...sent.filter((_, i) => i !== 1), ...fu(cra, 1000).map((f, i, all) => packet(f, 20, i === all.length - 1))]);
    expect(out).toEqual([annexB(VPS, HSPS, HPPS, cra)]);
    expect(assembler.stats.droppedAccessUnits).toBe(1);
  });
});

describe('RTP and SDP parsing', () => {
  it('skips CSRCs, a header extension and padding', () => {
    const header = Buffer.from([0xb1, 0xe0, 0x00, 0x07, 0, 0, 0, 9, 1, 2, 3, 4]); // V=2 P X CC=1, M, PT 96
    const csrc = Buffer.from([5, 6, 7, 8]);
    const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4]);
    const payload = Buffer.from([0x65, 0xaa]);
    const padding = Buffer.from([0, 0, 3]);
    expect(parseRtp(Buffer.concat([header, csrc, extension, payload, padding]))).toEqual({ marker: true, payloadType: 96, sequence: 7, timestamp: 9, payload });
    expect(parseRtp(Buffer.from([0x80, 0x60, 0, 1]))).toBeUndefined();
  });

  it('names a codec it cannot read rather than guessing', () => {
    expect(parseSdpVideo('v=0\r\nm=video 0 RTP/AVP 26\r\n')).toMatchObject({ encoding: 'JPEG', codec: undefined });
    expect(parseSdpVideo('v=0\r\nm=audio 0 RTP/AVP 0\r\n')).toBeUndefined();
  });
});
