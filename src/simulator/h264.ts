/**
 * H.264 Annex B parsing and RTP packetization (RFC 6184) for the simulated cameras.
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

export interface ParsedStream {
  readonly sps: Buffer;
  readonly pps: Buffer;
  readonly accessUnits: readonly AccessUnit[];
}

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

function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

/** first_mb_in_slice == 0 <=> its ue(v) code is the single bit '1' at the top of the byte after the NAL header. */
function isFirstSliceOfPicture(nal: Buffer): boolean {
  return ((nal[1] ?? 0) & 0x80) !== 0;
}

/**
 * Groups NAL units into access units (one per picture). AUD and SEI NALs are dropped; SPS and PPS
 * are kept and, when an IDR picture lacks them, the stream's SPS/PPS are put in front of it so any
 * keyframe can start decoding on its own.
 */
export function parseH264(data: Buffer): ParsedStream {
  const nals = splitAnnexB(data);
  let sps: Buffer | undefined;
  let pps: Buffer | undefined;
  const groups: Buffer[][] = [];
  let current: Buffer[] = [];
  let currentHasVcl = false;
  const flush = () => {
    if (currentHasVcl) groups.push(current);
    current = [];
    currentHasVcl = false;
  };
  for (const nal of nals) {
    const type = nalType(nal);
    if (type === NAL_SPS) sps ??= nal;
    if (type === NAL_PPS) pps ??= nal;
    if (type === NAL_AUD || type === NAL_SEI) {
      if (currentHasVcl) flush();
      continue;
    }
    if (type === NAL_SPS || type === NAL_PPS) {
      if (currentHasVcl) flush();
      current.push(nal);
      continue;
    }
    if (isVcl(type)) {
      if (currentHasVcl && isFirstSliceOfPicture(nal)) flush();
      current.push(nal);
      currentHasVcl = true;
      continue;
    }
    // Other NAL types (filler, end of sequence...) are not needed by a decoder here.
  }
  flush();
  if (!sps || !pps) throw new Error('H.264 stream has no SPS/PPS');
  const accessUnits = groups.map((group) => {
    const keyframe = group.some((nal) => nalType(nal) === NAL_IDR);
    let units = group;
    if (keyframe && !group.some((nal) => nalType(nal) === NAL_SPS)) units = [sps!, pps!, ...group];
    return packetizeAccessUnit(units, keyframe);
  });
  return { sps, pps, accessUnits };
}

/** RTP payloads for one access unit: single NAL unit packets, FU-A fragments above MAX_RTP_PAYLOAD. */
export function packetizeAccessUnit(nals: readonly Buffer[], keyframe: boolean, maxPayload = MAX_RTP_PAYLOAD): AccessUnit {
  const payloads: Buffer[] = [];
  for (const nal of nals) {
    if (nal.length <= maxPayload) {
      payloads.push(nal);
      continue;
    }
    const header = nal[0] ?? 0;
    const indicator = (header & 0xe0) | 28; // F + NRI from the NAL, type 28 = FU-A
    const type = header & 0x1f;
    const chunk = maxPayload - 2;
    for (let offset = 1; offset < nal.length; offset += chunk) {
      const end = Math.min(offset + chunk, nal.length);
      const fu = Buffer.allocUnsafe(2 + end - offset);
      fu[0] = indicator;
      fu[1] = (offset === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
      nal.copy(fu, 2, offset, end);
      payloads.push(fu);
    }
  }
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
