/**
 * Image-quality diagnosis ("video quality diagnosis"): blur, abnormal brightness, colour cast,
 * noise, freeze, moved view and occlusion, judged against each camera's own learned baseline.
 *
 *   const frame = await decodeForAnalysis(jpeg);
 *   const metrics = measure(frame, previousFrame, referenceFor(baseline, night));
 *   const findings = diagnose(metrics, baseline, { night, tags, hasIr, locale: 'vi' });
 *   baseline = updateBaseline(baseline, metrics, new Date(), { night });
 */
import sharp from 'sharp';
import { ANALYSIS_WIDTH, type Frame } from './metrics.js';

export { ANALYSIS_WIDTH, GREYSCALE_SATURATION, measure, pictureChange, referenceSignature, signatureSimilarity, lumaOf } from './metrics.js';
export type { Frame, FrameMetrics, ViewSignature } from './metrics.js';
export { emptyBaseline, updateBaseline, setReferenceView, referenceFor, baselineStats, baselineState, BASELINE_MIN_SAMPLES, REFERENCE_MIN_DAYS } from './baseline.js';
export type { Baseline, BaselineState, ModeBaseline, BaselineSample, BaselineStats, LearnedMetrics } from './baseline.js';
export { diagnose, frozenBy, DETECTORS, BLUR, CAST, COVERED, DARK, OVEREXPOSED, FROZEN, STALE, MOVED, NOISE } from './detectors/index.js';
export type { Finding, FaultKind, FindingKind, FindingState, Severity, NotCheckableReason, DiagnoseContext, Liveness } from './detectors/index.js';
export { sunElevation, isNight } from './solar.js';
export { faultsAgainstLearning, LEARN_FAST_SAMPLES } from './learning.js';
export { qualityMessages } from './messages.js';

/**
 * One sharp decode of a JPEG/PNG snapshot, resized to the fixed analysis width (640 px) as
 * 8-bit sRGB. For a 1080p JPEG libjpeg's shrink-on-load does most of the work.
 */
export async function decodeForAnalysis(image: Buffer): Promise<Frame> {
  const { data, info } = await sharp(image, { failOn: 'none' })
    .resize({ width: ANALYSIS_WIDTH, kernel: 'linear' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels === 1 ? 1 : 3;
  if (info.channels !== 1 && info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
  return { width: info.width, height: info.height, channels, data };
}
