/**
 * Reads the picture size out of an H.264 or H.265 sequence parameter set (SPS) and rewrites the
 * SPS so that a decoder outputs each picture as soon as it is decoded.
 *
 * Why the rewrite: an SPS that allows frame reordering (H.264 High profile with B-frames, most
 * H.265 encoders) makes ffmpeg's decoder hold that many pictures back before it outputs one. A
 * long-lived decoder fed one keyframe per check would then hand back each check's picture only
 * when later checks arrive. Only intra keyframes, each on its own, ever reach that decoder, so
 * no reordering can happen and announcing none changes no picture.
 *
 * Anything this reader does not follow returns undefined, and the caller decodes in a process of
 * its own instead (see decode.ts).
 */
import type { VideoCodec } from './depacketize.js';

export interface SequenceShape {
  width: number;
  height: number;
}

export interface RewrittenSequence extends SequenceShape {
  /** the SPS NAL unit (header included, no start code) announcing no reordering */
  sps: Buffer;
}

/** RBSP bits of a NAL unit: emulation-prevention bytes (00 00 03) removed. */
function unescape(nal: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** Emulation prevention put back: no 00 00 0x (x ≤ 3) inside the NAL unit. */
function escape(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

class OutOfBits extends Error {}

class BitReader {
  position = 0;
  constructor(private readonly bytes: Buffer) {}

  bit(): number {
    if (this.position >= this.bytes.length * 8) throw new OutOfBits();
    const value = (this.bytes[this.position >> 3]! >> (7 - (this.position & 7))) & 1;
    this.position++;
    return value;
  }

  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 2 + this.bit();
    return value;
  }

  skip(count: number): void {
    for (let i = 0; i < count; i++) this.bit();
  }

  /** Exp-Golomb, unsigned */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new OutOfBits();
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  se(): number {
    const code = this.ue();
    return code % 2 === 1 ? (code + 1) / 2 : -code / 2;
  }
}

/** The RBSP with the bits [from, to) replaced, re-terminated after the original stop bit. */
class BitWriter {
  private readonly bits: number[] = [];

  copy(source: Buffer, from: number, to: number): void {
    for (let i = from; i < to; i++) this.bits.push((source[i >> 3]! >> (7 - (i & 7))) & 1);
  }

  ue(value: number): void {
    const code = value + 1;
    const length = Math.floor(Math.log2(code));
    for (let i = 0; i < length; i++) this.bits.push(0);
    for (let i = length; i >= 0; i--) this.bits.push((code >> i) & 1);
  }

  push(bit: number): void {
    this.bits.push(bit);
  }

  bytes(): Buffer {
    const out = Buffer.alloc(Math.ceil(this.bits.length / 8));
    this.bits.forEach((bit, i) => {
      if (bit) out[i >> 3]! |= 0x80 >> (i & 7);
    });
    return out;
  }
}

/** Position of the rbsp_stop_one_bit: the last bit set. */
function stopBit(rbsp: Buffer): number {
  for (let byte = rbsp.length - 1; byte >= 0; byte--) {
    const value = rbsp[byte]!;
    if (value !== 0) return byte * 8 + 7 - Math.log2(value & -value);
  }
  return -1;
}

const H264_HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(reader: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + reader.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

function skipH264Hrd(reader: BitReader): void {
  const count = reader.ue() + 1;
  reader.skip(8); // bit_rate_scale, cpb_size_scale
  for (let i = 0; i < count; i++) {
    reader.ue();
    reader.ue();
    reader.skip(1);
  }
  reader.skip(20); // four 5-bit lengths
}

/** H.264 (ITU-T H.264 7.3.2.1.1, E.1.1): the bitstream_restriction_flag cleared, what followed it dropped. */
function rewriteH264(rbsp: Buffer): { shape: SequenceShape; cut: number; end: number } {
  const reader = new BitReader(rbsp);
  reader.skip(8); // NAL header
  const profile = reader.bits(8);
  reader.skip(16); // constraint flags, level
  reader.ue(); // seq_parameter_set_id
  let chromaFormat = 1;
  if (H264_HIGH_PROFILES.has(profile)) {
    chromaFormat = reader.ue();
    if (chromaFormat === 3) reader.skip(1);
    reader.ue();
    reader.ue();
    reader.skip(1);
    if (reader.bit()) {
      for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) if (reader.bit()) skipScalingList(reader, i < 6 ? 16 : 64);
    }
  }
  reader.ue(); // log2_max_frame_num_minus4
  const pocType = reader.ue();
  if (pocType === 0) reader.ue();
  else if (pocType === 1) {
    reader.skip(1);
    reader.se();
    reader.se();
    const cycle = reader.ue();
    for (let i = 0; i < cycle; i++) reader.se();
  }
  reader.ue(); // max_num_ref_frames
  reader.skip(1);
  const widthMbs = reader.ue() + 1;
  const heightMapUnits = reader.ue() + 1;
  const frameMbsOnly = reader.bit();
  if (!frameMbsOnly) reader.skip(1);
  reader.skip(1); // direct_8x8_inference_flag
  const crop = reader.bit() ? [reader.ue(), reader.ue(), reader.ue(), reader.ue()] : [0, 0, 0, 0];
  const cropX = chromaFormat === 1 || chromaFormat === 2 ? 2 : 1;
  const cropY = (2 - frameMbsOnly) * (chromaFormat === 1 ? 2 : 1);
  const shape = {
    width: widthMbs * 16 - cropX * (crop[0]! + crop[1]!),
    height: (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (crop[2]! + crop[3]!),
  };
  if (!reader.bit()) return { shape, cut: reader.position, end: reader.position }; // no VUI: nothing to announce
  if (reader.bit() && reader.bits(8) === 255) reader.skip(32); // aspect ratio, extended SAR
  if (reader.bit()) reader.skip(1); // overscan
  if (reader.bit()) {
    reader.skip(4);
    if (reader.bit()) reader.skip(24); // colour description
  }
  if (reader.bit()) {
    reader.ue();
    reader.ue();
  }
  if (reader.bit()) reader.skip(65); // timing info
  const nalHrd = reader.bit();
  if (nalHrd) skipH264Hrd(reader);
  const vclHrd = reader.bit();
  if (vclHrd) skipH264Hrd(reader);
  if (nalHrd || vclHrd) reader.skip(1);
  reader.skip(1); // pic_struct_present_flag
  const cut = reader.position;
  return { shape, cut, end: stopBit(rbsp) };
}

function rewriteH264Sps(nal: Buffer): RewrittenSequence {
  const rbsp = unescape(nal);
  const { shape, cut, end } = rewriteH264(rbsp);
  const writer = new BitWriter();
  writer.copy(rbsp, 0, cut);
  // Without VUI, nothing announces reordering (cut === end: the stop bit follows the VUI flag).
  if (cut !== end) writer.push(0); // bitstream_restriction_flag = 0
  writer.push(1); // rbsp_stop_one_bit
  return { ...shape, sps: escape(writer.bytes()) };
}

/** H.265 (ITU-T H.265 7.3.2.2): sps_max_num_reorder_pics and sps_max_latency_increase_plus1 set to 0. */
function rewriteHevcSps(nal: Buffer): RewrittenSequence {
  const rbsp = unescape(nal);
  const reader = new BitReader(rbsp);
  reader.skip(16 + 4); // NAL header, sps_video_parameter_set_id
  const maxSubLayersMinus1 = reader.bits(3);
  reader.skip(1);
  reader.skip(88 + 8); // general profile, tier, flags; general_level_idc
  const present = Array.from({ length: maxSubLayersMinus1 }, () => ({ profile: reader.bit(), level: reader.bit() }));
  if (maxSubLayersMinus1 > 0) reader.skip(2 * (8 - maxSubLayersMinus1));
  for (const layer of present) reader.skip((layer.profile ? 88 : 0) + (layer.level ? 8 : 0));
  reader.ue(); // sps_seq_parameter_set_id
  const chromaFormat = reader.ue();
  if (chromaFormat === 3) reader.skip(1);
  let width = reader.ue();
  let height = reader.ue();
  if (reader.bit()) {
    const [left, right, top, bottom] = [reader.ue(), reader.ue(), reader.ue(), reader.ue()];
    width -= (chromaFormat === 1 || chromaFormat === 2 ? 2 : 1) * (left + right);
    height -= (chromaFormat === 1 ? 2 : 1) * (top + bottom);
  }
  reader.ue();
  reader.ue();
  reader.ue(); // bit depths, log2_max_pic_order_cnt_lsb_minus4
  const orderingForAll = reader.bit();
  const writer = new BitWriter();
  writer.copy(rbsp, 0, reader.position);
  for (let i = orderingForAll ? 0 : maxSubLayersMinus1; i <= maxSubLayersMinus1; i++) {
    writer.ue(reader.ue()); // sps_max_dec_pic_buffering_minus1, kept
    reader.ue();
    reader.ue();
    writer.ue(0);
    writer.ue(0);
  }
  writer.copy(rbsp, reader.position, stopBit(rbsp) + 1);
  return { width, height, sps: escape(writer.bytes()) };
}

/** The SPS read and rewritten; undefined when it cannot be followed (the caller then decodes another way). */
export function rewriteSequenceParameters(codec: VideoCodec, sps: Buffer): RewrittenSequence | undefined {
  try {
    const rewritten = codec === 'h264' ? rewriteH264Sps(sps) : rewriteHevcSps(sps);
    return rewritten.width > 0 && rewritten.height > 0 ? rewritten : undefined;
  } catch (error) {
    if (error instanceof OutOfBits) return undefined;
    throw error;
  }
}

/**
 * The RFC 6381 codec string a browser's MediaSource.isTypeSupported() is asked about, read from
 * the stream's own SPS: "avc1.PPCCLL" (profile, constraint flags, level) or, for H.265 (ISO/IEC
 * 14496-15 E.3), "hvc1.<space><profile>.<compatibility, bit-reversed hex>.<L|H><level>.<constraint
 * bytes, trailing zero bytes dropped>". Undefined for an SPS too short to hold them.
 */
export function mseCodecString(codec: VideoCodec, sps: Buffer): string | undefined {
  const rbsp = unescape(sps);
  const hex = (byte: number) => byte.toString(16).toUpperCase().padStart(2, '0');
  if (codec === 'h264') return rbsp.length >= 4 ? `avc1.${hex(rbsp[1]!)}${hex(rbsp[2]!)}${hex(rbsp[3]!)}` : undefined;
  // NAL header (2 bytes), then one byte of VPS id / sub-layers / nesting, then profile_tier_level.
  if (rbsp.length < 3 + 12) return undefined;
  const ptl = rbsp.subarray(3, 15);
  const space = ['', 'A', 'B', 'C'][ptl[0]! >> 6];
  const tier = ptl[0]! & 0x20 ? 'H' : 'L';
  const profile = ptl[0]! & 0x1f;
  let compatibility = 0;
  const flags = ptl.readUInt32BE(1);
  for (let bit = 0; bit < 32; bit++) if (flags & (1 << bit)) compatibility |= 1 << (31 - bit);
  const constraints = [...ptl.subarray(5, 11)];
  while (constraints.length > 0 && constraints.at(-1) === 0) constraints.pop();
  const level = ptl[11]!;
  return ['hvc1', `${space}${profile}`, (compatibility >>> 0).toString(16).toUpperCase(), `${tier}${level}`, ...constraints.map((byte) => byte.toString(16).toUpperCase())].join('.');
}
