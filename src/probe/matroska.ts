/**
 * The smallest Matroska stream ffmpeg reads from a pipe: a header with one video track, then one
 * cluster per keyframe. Unlike a raw H.264/H.265 stream, where a picture ends only where the next
 * one begins, every block says its own length, so ffmpeg's demuxer hands each keyframe to the
 * decoder as soon as its last byte arrives. The blocks carry Annex-B as received (no CodecPrivate):
 * the parameter sets travel in front of every keyframe.
 */
import type { VideoCodec } from './depacketize.js';

/** An EBML size in 8 bytes: long, but any length fits without computing the shortest form. */
function size(length: number): Buffer {
  const out = Buffer.alloc(8);
  out[0] = 0x01;
  out.writeUIntBE(length, 2, 6);
  return out;
}

/** The 8-byte "unknown size": the segment and each cluster end where the next element begins. */
const UNKNOWN_SIZE = Buffer.from('01ffffffffffffff', 'hex');

function element(id: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(id, 'hex'), size(payload.length), payload]);
}

function unsigned(id: string, value: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeBigUInt64BE(BigInt(value));
  return element(id, payload);
}

const text = (id: string, value: string) => element(id, Buffer.from(value, 'ascii'));

export function matroskaHeader(codec: VideoCodec, width: number, height: number): Buffer {
  const ebml = element('1a45dfa3', Buffer.concat([unsigned('4286', 1), unsigned('42f7', 1), unsigned('42f2', 4), unsigned('42f3', 8), text('4282', 'matroska'), unsigned('4287', 4), unsigned('4285', 2)]));
  const info = element('1549a966', Buffer.concat([unsigned('2ad7b1', 1_000_000), text('4d80', 'camwatch'), text('5741', 'camwatch')]));
  const video = element('e0', Buffer.concat([unsigned('b0', width), unsigned('ba', height)]));
  const track = element('ae', Buffer.concat([unsigned('d7', 1), unsigned('73c5', 1), unsigned('83', 1), text('86', codec === 'hevc' ? 'V_MPEGH/ISO/HEVC' : 'V_MPEG4/ISO/AVC'), video]));
  return Buffer.concat([ebml, Buffer.from('18538067', 'hex'), UNKNOWN_SIZE, info, element('1654ae6b', track)]);
}

/** One cluster holding one keyframe block at `timecodeMs` (each a little later than the one before). */
export function matroskaKeyframe(timecodeMs: number, accessUnit: Buffer): Buffer {
  // track 1, relative timecode 0, flags: keyframe
  const block = Buffer.concat([Buffer.from([0x81, 0, 0, 0x80]), accessUnit]);
  return Buffer.concat([Buffer.from('1f43b675', 'hex'), UNKNOWN_SIZE, unsigned('e7', timecodeMs), element('a3', block)]);
}
