/**
 * RTP depacketisation of H.264 (RFC 6184: single NAL unit, STAP-A, FU-A) and H.265 (RFC 7798:
 * single NAL unit, AP, FU), up to the first access unit a decoder can start from (an H.264 IDR,
 * an H.265 IRAP picture), returned as Annex-B with the parameter sets in front.
 *
 * Parameter sets come from the SDP and are replaced by any sent in-band. An access unit that lost
 * a packet (a gap in sequence numbers, a fragment without its start) is dropped whole: the
 * assembler waits for the next keyframe rather than hand a decoder a picture with a hole in it.
 * Memory is bounded: a NAL unit above maxNalBytes or an access unit above maxAccessUnitBytes is
 * dropped the same way.
 */

export type VideoCodec = 'h264' | 'hevc';

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  payload: Buffer;
}

/** Parses one RTP packet (RFC 3550): CSRCs, header extension and padding skipped. Undefined when malformed. */
export function parseRtp(packet: Buffer): RtpPacket | undefined {
  if (packet.length < 12 || packet[0]! >> 6 !== 2) return undefined;
  const csrcCount = packet[0]! & 0x0f;
  let offset = 12 + 4 * csrcCount;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return undefined;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  let end = packet.length;
  if (packet[0]! & 0x20) end -= packet[packet.length - 1]!;
  if (end <= offset) return undefined;
  return {
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    sequence: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    payload: packet.subarray(offset, end),
  };
}

interface CodecRules {
  /** the NAL unit type of a NAL unit (its first bytes) */
  type(nal: Buffer): number;
  /** parameter-set NAL types in the order a decoder wants them in front of a keyframe */
  parameterSets: readonly number[];
  isKeyframe(type: number): boolean;
  /** access unit delimiters: dropped (they would land between the parameter sets and the slices) */
  delimiter: number;
  /** bytes of the NAL unit header */
  headerBytes: number;
}

const H264: CodecRules = {
  type: (nal) => nal[0]! & 0x1f,
  parameterSets: [7, 8],
  isKeyframe: (type) => type === 5,
  delimiter: 9,
  headerBytes: 1,
};

const H265: CodecRules = {
  type: (nal) => (nal[0]! >> 1) & 0x3f,
  parameterSets: [32, 33, 34],
  // BLA, IDR and CRA pictures (16..21): a decoder can start at any of them.
  isKeyframe: (type) => type >= 16 && type <= 21,
  delimiter: 35,
  headerBytes: 2,
};

export interface AssemblerLimits {
  maxNalBytes: number;
  maxAccessUnitBytes: number;
}

export const DEFAULT_ASSEMBLER_LIMITS: AssemblerLimits = { maxNalBytes: 4 * 1024 * 1024, maxAccessUnitBytes: 8 * 1024 * 1024 };

const START_CODE = Buffer.from([0, 0, 0, 1]);

export interface AssemblerStats {
  packets: number;
  /** access units dropped because a packet was lost or a limit was crossed */
  droppedAccessUnits: number;
  /** whole access units seen that held no keyframe */
  accessUnits: number;
}

export class KeyframeAssembler {
  private readonly rules: CodecRules;
  private readonly parameterSets = new Map<number, Buffer>();
  private nals: Buffer[] = [];
  private bytes = 0;
  private timestamp: number | undefined;
  private expectedSequence: number | undefined;
  private broken = false;
  private keyframe = false;
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  readonly stats: AssemblerStats = { packets: 0, droppedAccessUnits: 0, accessUnits: 0 };

  constructor(
    readonly codec: VideoCodec,
    sdpParameterSets: readonly Buffer[] = [],
    private readonly limits: AssemblerLimits = DEFAULT_ASSEMBLER_LIMITS,
  ) {
    this.rules = codec === 'h264' ? H264 : H265;
    for (const nal of sdpParameterSets) if (nal.length >= this.rules.headerBytes) this.remember(nal);
  }

  /** Feeds one RTP packet; returns the first complete keyframe access unit as Annex-B, once. */
  push(packet: RtpPacket): Buffer | undefined {
    this.stats.packets += 1;
    let done: Buffer | undefined;
    if (this.timestamp !== undefined && packet.timestamp !== this.timestamp) done = this.finish();
    if (done) return done;
    if (this.timestamp === undefined) this.timestamp = packet.timestamp;
    if (this.expectedSequence !== undefined && packet.sequence !== this.expectedSequence) this.lose();
    this.expectedSequence = (packet.sequence + 1) & 0xffff;
    this.payload(packet.payload);
    return packet.marker ? this.finish() : undefined;
  }

  private lose(): void {
    this.broken = true;
    this.fragments = undefined;
  }

  private payload(payload: Buffer): void {
    if (payload.length < this.rules.headerBytes) return this.lose();
    if (this.codec === 'h264') {
      const type = payload[0]! & 0x1f;
      if (type >= 1 && type <= 23) return this.nal(payload);
      if (type === 24) return this.aggregate(payload.subarray(1));
      if (type === 28) return this.fragment(payload.length >= 2 ? payload[1]! : 0, payload.subarray(2), () => Buffer.from([(payload[0]! & 0xe0) | (payload[1]! & 0x1f)]), payload.length < 2);
      // STAP-B, MTAP and FU-B belong to the interleaved mode, which cameras do not use.
      return this.lose();
    }
    const type = (payload[0]! >> 1) & 0x3f;
    if (type < 48) return this.nal(payload);
    if (type === 48) return this.aggregate(payload.subarray(2));
    if (type === 49) {
      const fuType = payload.length >= 3 ? payload[2]! & 0x3f : 0;
      return this.fragment(payload.length >= 3 ? payload[2]! : 0, payload.subarray(3), () => Buffer.from([(payload[0]! & 0x81) | (fuType << 1), payload[1]!]), payload.length < 3);
    }
    // PACI (50) and reserved types
    return this.lose();
  }

  /** STAP-A / AP body: 16-bit size, NAL unit, repeated (no DON: sprop-max-don-diff 0). */
  private aggregate(body: Buffer): void {
    let offset = 0;
    while (offset + 2 <= body.length) {
      const size = body.readUInt16BE(offset);
      offset += 2;
      if (size === 0 || offset + size > body.length) return this.lose();
      this.nal(body.subarray(offset, offset + size));
      offset += size;
    }
    if (offset !== body.length) this.lose();
  }

  private fragment(fuHeader: number, data: Buffer, nalHeader: () => Buffer, malformed: boolean): void {
    if (malformed) return this.lose();
    const start = (fuHeader & 0x80) !== 0;
    const end = (fuHeader & 0x40) !== 0;
    if (start) {
      // A new start while a NAL is still open: its end was lost.
      if (this.fragments) this.lose();
      this.fragments = [nalHeader()];
      this.fragmentBytes = this.rules.headerBytes;
    } else if (!this.fragments) {
      // The start of this NAL unit was lost (or we joined in the middle of it).
      this.broken = true;
      return;
    }
    this.fragments.push(data);
    this.fragmentBytes += data.length;
    if (this.fragmentBytes > this.limits.maxNalBytes) return this.lose();
    if (end) {
      const nal = Buffer.concat(this.fragments, this.fragmentBytes);
      this.fragments = undefined;
      this.nal(nal);
    }
  }

  private remember(nal: Buffer): void {
    this.parameterSets.set(this.rules.type(nal), Buffer.from(nal));
  }

  private nal(nal: Buffer): void {
    if (nal.length > this.limits.maxNalBytes) return this.lose();
    const type = this.rules.type(nal);
    if (this.rules.parameterSets.includes(type)) return this.remember(nal);
    if (type === this.rules.delimiter || this.broken) return;
    if (this.rules.isKeyframe(type)) this.keyframe = true;
    this.bytes += nal.length;
    if (this.bytes > this.limits.maxAccessUnitBytes) {
      this.nals = [];
      return this.lose();
    }
    this.nals.push(nal);
  }

  /** Ends the current access unit: returns it when it is a whole keyframe with its parameter sets. */
  private finish(): Buffer | undefined {
    // A fragmented NAL still open at the end of its access unit lost its end.
    if (this.fragments) this.lose();
    const whole = !this.broken && this.nals.length > 0;
    const ready = whole && this.keyframe && this.rules.parameterSets.every((type) => this.parameterSets.has(type));
    if (this.broken) this.stats.droppedAccessUnits += 1;
    else if (whole) this.stats.accessUnits += 1;
    const nals = this.nals;
    this.nals = [];
    this.bytes = 0;
    this.broken = false;
    this.keyframe = false;
    this.timestamp = undefined;
    if (!ready) return undefined;
    const units = [...this.rules.parameterSets.map((type) => this.parameterSets.get(type)!), ...nals];
    return Buffer.concat(units.flatMap((nal) => [START_CODE, nal]));
  }
}

/** What the SDP says about the first video stream. */
export interface SdpVideo {
  /** RTP encoding name as announced, upper case (H264, H265, MP4V-ES, JPEG…) */
  encoding: string;
  codec?: VideoCodec | undefined;
  payloadType: number;
  control?: string | undefined;
  /** the session-level a=control: where PLAY goes (the aggregate) */
  sessionControl?: string | undefined;
  parameterSets: Buffer[];
  fps?: number | undefined;
}

/** The first m=video section of an SDP; undefined when there is none. */
export function parseSdpVideo(sdp: string): SdpVideo | undefined {
  const lines = sdp.split(/\r?\n/);
  const start = lines.findIndex((line) => line.startsWith('m=video '));
  if (start < 0) return undefined;
  const next = lines.findIndex((line, i) => i > start && line.startsWith('m='));
  const section = lines.slice(start, next < 0 ? undefined : next);
  const payloadType = Number(section[0]!.split(' ')[3]);
  if (!Number.isInteger(payloadType)) return undefined;
  const attribute = (name: string) => section.find((line) => line.startsWith(`a=${name}:`))?.slice(name.length + 3).trim();
  const forPayload = (name: string) =>
    section.filter((line) => line.startsWith(`a=${name}:${payloadType} `)).map((line) => line.slice(`a=${name}:${payloadType} `.length).trim())[0];
  // Static payload type 26 is JPEG and needs no rtpmap.
  const encoding = (forPayload('rtpmap')?.split('/')[0] ?? (payloadType === 26 ? 'JPEG' : '')).toUpperCase();
  const codec: VideoCodec | undefined = encoding === 'H264' ? 'h264' : encoding === 'H265' || encoding === 'HEVC' ? 'hevc' : undefined;
  const fmtp = new Map(
    (forPayload('fmtp') ?? '').split(';').flatMap((pair): [string, string][] => {
      const eq = pair.indexOf('=');
      return eq > 0 ? [[pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim()]] : [];
    }),
  );
  const sets = codec === 'h264' ? [fmtp.get('sprop-parameter-sets')] : [fmtp.get('sprop-vps'), fmtp.get('sprop-sps'), fmtp.get('sprop-pps')];
  const parameterSets = sets
    .flatMap((value) => (value ?? '').split(','))
    .map((b64) => Buffer.from(b64.trim(), 'base64'))
    .filter((nal) => nal.length > 0);
  const fps = Number(attribute('framerate'));
  const sessionControl = lines.slice(0, start).find((line) => line.startsWith('a=control:'))?.slice('a=control:'.length).trim();
  return { encoding, codec, payloadType, control: attribute('control'), sessionControl, parameterSets, fps: fps > 0 && fps < 1000 ? fps : undefined };
}
