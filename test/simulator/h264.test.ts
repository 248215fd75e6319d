import { describe, expect, it } from 'vitest';
import { frameInterleaved, MAX_RTP_PAYLOAD, parseH264, profileLevelId, splitAnnexB } from '../../src/simulator/h264.js';

const start4 = Buffer.from([0, 0, 0, 1]);
const start3 = Buffer.from([0, 0, 1]);
const sps = Buffer.from([0x67, 0x42, 0xc0, 0x1e, 0xda, 0x02, 0x80]);
const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
const aud = Buffer.from([0x09, 0xf0]);
const sei = Buffer.from([0x06, 0x05, 0x01, 0xaa, 0x80]);

/** A slice NAL: type, first_mb_in_slice==0 flag (top bit of byte 1), then filler. */
function slice(type: 1 | 5, firstInPicture: boolean, size: number, fill: number): Buffer {
  const nal = Buffer.alloc(size, fill);
  nal[0] = type === 5 ? 0x65 : 0x41;
  nal[1] = firstInPicture ? 0x88 : 0x08;
  return nal;
}

/** Undoes the packetization: single NAL packets as they are, FU-A fragments joined. */
function depacketize(payloads: readonly Buffer[]): Buffer[] {
  const nals: Buffer[] = [];
  let fu: Buffer[] = [];
  for (const p of payloads) {
    const type = (p[0] ?? 0) & 0x1f;
    if (type !== 28) {
      nals.push(p);
      continue;
    }
    const startBit = ((p[1] ?? 0) & 0x80) !== 0;
    const endBit = ((p[1] ?? 0) & 0x40) !== 0;
    if (startBit) fu = [Buffer.from([((p[0] ?? 0) & 0xe0) | ((p[1] ?? 0) & 0x1f)])];
    fu.push(p.subarray(2));
    if (endBit) nals.push(Buffer.concat(fu));
  }
  return nals;
}

describe('H.264 access units and RTP packetization', () => {
  const idr = slice(5, true, 5000, 0x11);
  const p1a = slice(1, true, 300, 0x22);
  const p1b = slice(1, false, 200, 0x23); // second slice of the same picture
  const p2 = slice(1, true, 1401, 0x33);
  const stream = Buffer.concat([start4, aud, start4, sps, start4, pps, start3, sei, start3, idr, start4, aud, start3, p1a, start3, p1b, start4, p2, Buffer.from([0, 0])]);

  it('splits Annex B with 3- and 4-byte start codes', () => {
    const nals = splitAnnexB(stream);
    expect(nals.map((n) => (n[0] ?? 0) & 0x1f)).toEqual([9, 7, 8, 6, 5, 9, 1, 1, 1]);
    expect(nals.at(-1)?.length).toBe(1401); // trailing zeros trimmed
  });

  it('groups slices into pictures, drops AUD/SEI, keeps SPS/PPS before the IDR', () => {
    const parsed = parseH264(stream);
    expect(parsed.sps.equals(sps)).toBe(true);
    expect(parsed.pps.equals(pps)).toBe(true);
    expect(profileLevelId(parsed.sps)).toBe('42c01e');
    expect(parsed.accessUnits.map((au) => au.keyframe)).toEqual([true, false, false]);
    const [first, second, third] = parsed.accessUnits.map((au) => depacketize(au.payloads));
    expect(first).toEqual([sps, pps, idr]);
    expect(second).toEqual([p1a, p1b]);
    expect(third).toEqual([p2]);
  });

  it('fragments large NALs as FU-A and frames RTP over interleaved TCP', () => {
    const au = parseH264(stream).accessUnits[0]!;
    expect(au.payloads.every((p) => p.length <= MAX_RTP_PAYLOAD)).toBe(true);
    const { data, nextSeq } = frameInterleaved(au, 0, 0xfffe, 0x1_0000_0005, 0xdeadbeef);
    expect(nextSeq).toBe((0xfffe + au.payloads.length) & 0xffff);
    let pos = 0;
    let count = 0;
    while (pos < data.length) {
      expect(data[pos]).toBe(0x24);
      expect(data[pos + 1]).toBe(0);
      const length = data.readUInt16BE(pos + 2);
      const rtp = data.subarray(pos + 4, pos + 4 + length);
      expect(rtp[0]).toBe(0x80);
      const marker = ((rtp[1] ?? 0) & 0x80) !== 0;
      expect(marker).toBe(count === au.payloads.length - 1);
      expect((rtp[1] ?? 0) & 0x7f).toBe(96);
      expect(rtp.readUInt32BE(4)).toBe(5); // timestamp modulo 2^32
      expect(rtp.readUInt32BE(8)).toBe(0xdeadbeef);
      expect(rtp.subarray(12).equals(au.payloads[count]!)).toBe(true);
      pos += 4 + length;
      count += 1;
    }
    expect(count).toBe(au.payloads.length);
  });
});
