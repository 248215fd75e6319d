/**
 * The pixel work of one image check, apart from anything that reads or writes the database: decode
 * the frame, measure it against the previous frame and the reference view, keep its luma plane as
 * the next "previous", and compare a full check's two snapshots. It runs the same in a worker
 * thread (analysis-pool.ts) as on the main thread: its task and result are plain data.
 */
import { decodeForAnalysis, measure, pictureChange, isNight, lumaOf, type Frame, type FrameMetrics, type ViewSignature } from './index.js';
import type { PictureChange } from './metrics.js';

/** A frame whose pixels may have crossed a thread (a Uint8Array then, no longer a Buffer). */
export interface PlainFrame {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

export interface AnalysisTask {
  jpeg: Uint8Array;
  /** the camera's previous luma plane from the same frame source */
  previous?: PlainFrame | undefined;
  /** the reference view for each mode (`referenceFor(baseline, night)`): which one applies is known once the frame is measured */
  references: { day?: ViewSignature | undefined; night?: ViewSignature | undefined };
  /** where and when, for the sun's elevation (epoch ms); without it night is judged from the picture */
  place?: { lat: number; lon: number; at: number } | undefined;
  /** a full check's two snapshots taken around the stream frame */
  snapshots?: readonly [Uint8Array, Uint8Array] | undefined;
}

export interface AnalysisResult {
  metrics: FrameMetrics;
  /** the frame's luma plane: the camera's next previous frame */
  luma: PlainFrame;
  /** the snapshots' comparison, absent when they were not given or one did not decode */
  pair?: { change: PictureChange & { coverage: number | null }; vsStream: number | null; secondLuma: PlainFrame } | undefined;
}

/** Where and when as `isNight` takes it. */
export function placeAt(place: AnalysisTask['place']) {
  return place && { lat: place.lat, lon: place.lon, at: new Date(place.at) };
}

const asFrame = (frame: PlainFrame): Frame => ({ ...frame, data: Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength) });
const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Throws when the frame does not decode; a snapshot that does not decode only costs the pair. */
export async function analyse(task: AnalysisTask): Promise<AnalysisResult> {
  const frame = await decodeForAnalysis(asBuffer(task.jpeg));
  const decoded = task.snapshots && (await Promise.all(task.snapshots.map((s) => decodeForAnalysis(asBuffer(s)))).catch(() => undefined));
  let pair: AnalysisResult['pair'];
  if (decoded) {
    const [first, second] = decoded as [Frame, Frame];
    pair = { change: pictureChange(second, first), vsStream: pictureChange(frame, second).change, secondLuma: lumaPlane(second) };
  }
  // One pass over the frame: the reference is chosen once day or night is known.
  const place = placeAt(task.place);
  const metrics = measure(frame, task.previous && asFrame(task.previous), (probe) => (isNight(probe, place) ? task.references.night : task.references.day));
  return { metrics, luma: lumaPlane(frame), pair };
}

/** The buffers a result owns, to move them across threads rather than copy them. */
export function resultBuffers(result: AnalysisResult): ArrayBuffer[] {
  const planes = [result.luma, result.pair?.secondLuma].filter((plane) => plane !== undefined);
  return [...new Set(planes.map((plane) => plane.data.buffer as ArrayBuffer))];
}

/** A frame reduced to its luma plane, in a buffer of its own: what a later frame's change is measured against. */
function lumaPlane(frame: Frame): PlainFrame {
  const luma = frame.channels === 1 ? lumaOf(frame).slice() : lumaOf(frame);
  return { width: frame.width, height: frame.height, channels: 1, data: luma };
}
