/**
 * H.264 and H.265 Annex B parsing and RTP packetization (RFC 6184, RFC 7798) for the simulated
 * cameras.
 *
 * The clip is split into access units once and each access unit is packetized once into RTP
 * payloads (single NAL unit packets, FU-A fragments for large NALs); every client of every camera
 * then shares those buffers and only the 12-byte RTP header differs per client.
 */

export const NAL_SLICE = 1;
export const NAL_IDR = 5;
export const NAL_SEI = 6;
export const NAL_SPS = 7;
export const NAL_PPS = 8;
export const NAL_AUD = 9;

/** RTP payloads larger than this are fragmented (FU-A). Leaves room for headers within a 1500 MTU. */
export const MAX_RTP_PAYLOAD = 1400;

export const RTP_PAYLOAD_TYPE = 96;
export const RTP_CLOCK_RATE = 90_000;

export interface AccessUnit {
  /** true when the access unit holds an IDR slice (SPS/PPS are always in front of it). */
  readonly keyframe: boolean;
  /** RTP payloads in send order; the last one carries the marker bit. */
  readonly payloads: readonly Buffer[];
  /** Sum of payload lengths (bytes of H.264 data, without RTP/interleave headers). */
  readonly bytes: number;
}

export type SimulatedCodec = 'h264' | 'hevc';

export interface ParsedStream {
  readonly codec: SimulatedCodec;
  /** the stream's parameter sets in decoding order: SPS, PPS (H.264); VPS, SPS, PPS (H.265) */
  readonly parameterSets: readonly Buffer[];
  readonly sps: Buffer;
  readonly pps: Buffer;
  readonly accessUnits: readonly AccessUnit[];
}

/** What differs between H.264 and H.265 for grouping NAL units into pictures and fragmenting them. */
interface NalRules {
  type(nal: Buffer): number;
  parameterSets: readonly number[];
  isVcl(type: number): boolean;
  isKeyframe(type: number): boolean;
  /** NAL types not sent (delimiters, SEI) */
  dropped(type: number): boolean;
  /** the first slice (segment) of a picture */
  startsPicture(nal: Buffer): boolean;
  /** the fragmentation unit packets of a NAL unit too big for one RTP payload */
  fragment(nal: Buffer, maxPayload: number): Buffer[];
}

/** Splits the NAL unit body after its `headerBytes` into fragments, each behind `prefix` and an S/E-flagged FU header. */
function fragmentUnits(nal: Buffer, maxPayload: number, headerBytes: number, prefix: Buffer, type: number): Buffer[] {
  const out: Buffer[] = [];
  const chunk = maxPayload - prefix.length - 1;
  for (let offset = headerBytes; offset < nal.length; offset += chunk) {
    const end = Math.min(offset + chunk, nal.length);
    const fu = Buffer.allocUnsafe(prefix.length + 1 + end - offset);
    prefix.copy(fu, 0);
    fu[prefix.length] = (offset === headerBytes ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
    nal.copy(fu, prefix.length + 1, offset, end);
    out.push(fu);
  }
  return out;
}

const H264_RULES: NalRules = {
  type: (nal) => (nal[0] ?? 0) & 0x1f,
  parameterSets: [NAL_SPS, NAL_PPS],
  isVcl: (type) => type >= 1 && type <= 5,
  isKeyframe: (type) => type === NAL_IDR,
  dropped: (type) => type === NAL_AUD || type === NAL_SEI,
  // first_mb_in_slice == 0 <=> its ue(v) code is the single bit '1' at the top of the byte after the NAL header.
  startsPicture: (nal) => ((nal[1] ?? 0) & 0x80) !== 0,
  // FU-A: F + NRI from the NAL, type 28
  fragment: (nal, maxPayload) => fragmentUnits(nal, maxPayload, 1, Buffer.from([((nal[0] ?? 0) & 0xe0) | 28]), (nal[0] ?? 0) & 0x1f),
};

const H265_RULES: NalRules = {
  type: (nal) => ((nal[0] ?? 0) >> 1) & 0x3f,
  parameterSets: [32, 33, 34],
  isVcl: (type) => type <= 31,
  isKeyframe: (type) => type >= 16 && type <= 21,
  // AUD, prefix and suffix SEI
  dropped: (type) => type === 35 || type === 39 || type === 40,
  // first_slice_segment_in_pic_flag: the top bit after the 2-byte NAL header
  startsPicture: (nal) => ((nal[2] ?? 0) & 0x80) !== 0,
  // FU: payload header of type 49 (F and layer/TID kept), then the FU header
  fragment: (nal, maxPayload) => fragmentUnits(nal, maxPayload, 2, Buffer.from([((nal[0] ?? 0) & 0x81) | (49 << 1), nal[1] ?? 1]), ((nal[0] ?? 0) >> 1) & 0x3f),
};

const RULES: Record<SimulatedCodec, NalRules> = { h264: H264_RULES, hevc: H265_RULES };

export function nalType(nal: Buffer): number {
  return (nal[0] ?? 0) & 0x1f;
}

/** Splits an Annex B byte stream into NAL units (start codes removed, trailing zero bytes trimmed). */
export function splitAnnexB(data: Buffer): Buffer[] {
  const nals: Buffer[] = [];
  let start = -1;
  let i = 0;
  const n = data.length;
  while (i + 2 < n) {
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      if (start >= 0) pushTrimmed(nals, data, start, i);
      i += 3;
      start = i;
    } else {
      i += 1;
    }
  }
  if (start >= 0) pushTrimmed(nals, data, start, n);
  return nals;
}

function pushTrimmed(out: Buffer[], data: Buffer, start: number, end: number): void {
  let e = end;
  while (e > start && data[e - 1] === 0) e -= 1;
  if (e > start) out.push(data.subarray(start, e));
}

/**
 * Groups NAL units into access units (one per picture). Delimiters and SEI are dropped; parameter
 * sets are kept and, when a keyframe lacks them, the stream's are put in front of it so any
 * keyframe can start decoding on its own.
 */
export function parseVideo(data: Buffer, codec: SimulatedCodec): ParsedStream {
  const rules = RULES[codec];
  const nals = splitAnnexB(data);
  const sets = new Map<number, Buffer>();
  const groups: Buffer[][] = [];
  let current: Buffer[] = [];
  let currentHasVcl = false;
  const flush = () => {
    if (currentHasVcl) groups.push(current);
    current = [];
    currentHasVcl = false;
  };
  for (const nal of nals) {
    const type = rules.type(nal);
    if (rules.dropped(type)) {
      if (currentHasVcl) flush();
      continue;
    }
    if (rules.parameterSets.includes(type)) {
      if (!sets.has(type)) sets.set(type, nal);
      if (currentHasVcl) flush();
      current.push(nal);
      continue;
    }
    if (rules.isVcl(type)) {
      if (currentHasVcl && rules.startsPicture(nal)) flush();
      current.push(nal);
      currentHasVcl = true;
    }
    // Other NAL types (filler, end of sequence...) are not needed by a decoder here.
  }
  flush();
  const parameterSets = rules.parameterSets.map((type) => sets.get(type));
  if (parameterSets.some((nal) => nal === undefined)) throw new Error(`${codec} stream lacks parameter sets`);
  const ordered = parameterSets as Buffer[];
  const accessUnits = groups.map((group) => {
    const keyframe = group.some((nal) => rules.isKeyframe(rules.type(nal)));
    const hasSets = group.some((nal) => rules.parameterSets.includes(rules.type(nal)));
    return packetizeAccessUnit(keyframe && !hasSets ? [...ordered, ...group] : group, keyframe, MAX_RTP_PAYLOAD, codec);
  });
  // SPS and PPS are the last two parameter sets in both codecs.
  return { codec, parameterSets: ordered, sps: ordered.at(-2)!, pps: ordered.at(-1)!, accessUnits };
}

export function parseH264(data: Buffer): ParsedStream {
  return parseVideo(data, 'h264');
}

/** RTP payloads for one access unit: single NAL unit packets, fragmentation units above maxPayload. */
export function packetizeAccessUnit(nals: readonly Buffer[], keyframe: boolean, maxPayload = MAX_RTP_PAYLOAD, codec: SimulatedCodec = 'h264'): AccessUnit {
  const payloads = nals.flatMap((nal) => (nal.length <= maxPayload ? [nal] : RULES[codec].fragment(nal, maxPayload)));
  return { keyframe, payloads, bytes: payloads.reduce((sum, p) => sum + p.length, 0) };
}

/** `profile-level-id` for SDP: the three bytes after the SPS NAL header, as hex. */
export function profileLevelId(sps: Buffer): string {
  return sps.subarray(1, 4).toString('hex');
}

/** Size of one access unit once framed as RTSP interleaved RTP packets. */
export function interleavedSize(au: AccessUnit): number {
  return au.bytes + au.payloads.length * (4 + 12);
}

/**
 * Writes one access unit as RTSP interleaved RTP packets ('$', channel, length, RTP header,
 * payload) into a single buffer, so a socket gets one write per frame.
 * Returns the next sequence number.
 */
export function frameInterleaved(au: AccessUnit, channel: number, seq: number, timestamp: number, ssrc: number): { data: Buffer; nextSeq: number } {
  const data = Buffer.allocUnsafe(interleavedSize(au));
  let pos = 0;
  let s = seq;
  const last = au.payloads.length - 1;
  au.payloads.forEach((payload, index) => {
    data[pos] = 0x24;
    data[pos + 1] = channel;
    data.writeUInt16BE(12 + payload.length, pos + 2);
    data[pos + 4] = 0x80; // V=2, no padding, no extension, no CSRC
    data[pos + 5] = (index === last ? 0x80 : 0) | RTP_PAYLOAD_TYPE;
    data.writeUInt16BE(s, pos + 6);
    data.writeUInt32BE(timestamp >>> 0, pos + 8);
    data.writeUInt32BE(ssrc >>> 0, pos + 12);
    payload.copy(data, pos + 16);
    pos += 16 + payload.length;
    s = (s + 1) & 0xffff;
  });
  return { data, nextSeq: s };
}
