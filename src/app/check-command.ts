/** `camwatch check <camera>`: one full check now, readable, exit code 1 when unhealthy. */
import type { AppContext } from './context.js';
import type { ImageVerdict } from '../health/engine.js';
import { cliMessages } from './messages.js';
import { healthEngine, ResultPipeline } from './pipeline.js';
import { createLogger } from '../log.js';
import { translator, type Locale } from '../i18n/index.js';
import { checkCamera, type CheckKind, type CheckResult } from '../probe/check.js';
import { cameraTarget, probeSettings } from '../inventory/targets.js';

export function describeCheck(result: CheckResult, name: string, locale: Locale, evidence?: string, image?: ImageVerdict): string[] {
  const t = translator(cliMessages, locale);
  const lines: string[] = [];
  if (result.failure) {
    lines.push(t('checkFail', { id: result.cameraId, name, ...result.failure }));
    lines.push('  ' + t(`advice_${result.failure.kind}`));
  } else if (result.warnings.length > 0) {
    for (const warning of result.warnings) {
      lines.push(t('checkWarn', { id: result.cameraId, name, detail: warning.detail }));
      lines.push('  ' + t(`advice_${warning.kind}`));
    }
  } else if (image?.ok === false) {
    lines.push(t('checkImage', { id: result.cameraId, name, detail: image.detail ?? image.kinds.join(', ') }));
  } else {
    lines.push(t('checkOk', { id: result.cameraId, name, ms: result.durationMs }));
    // Advice that is not a fault, e.g. a dark black spot at night that needs street lighting.
    if (image?.detail && image.kinds.length > 0) lines.push('  ' + t('checkAdvice', { detail: image.detail }));
  }
  const { device, stream } = result;
  if (device) lines.push('  ' + t('deviceLine', { ...device, drift: device.clockDriftS }));
  if (stream) lines.push('  ' + t('streamLine', { ...stream, fps: stream.fps ? `, ${stream.fps} fps` : '' }));
  if (evidence) lines.push('  ' + t('evidenceLine', { path: evidence }));
  return lines;
}

export async function runCheckCommand(app: AppContext, cameraId: string, kind: CheckKind, locale: Locale): Promise<{ result?: CheckResult; lines: string[] }> {
  const camera = app.config.raw.cameras.find((c) => c.id === cameraId);
  if (!camera) {
    const t = translator(cliMessages, locale);
    return { lines: [t('unknownCamera', { id: cameraId, ids: app.config.raw.cameras.map((c) => c.id).join(', ') })] };
  }
  const result = await checkCamera(cameraTarget(app.config, camera), kind, probeSettings(app.config, app.ffmpeg.ffmpeg));
  const stored = await new ResultPipeline(app, createLogger({ level: 'silent' }), healthEngine(app)).process(result);
  return { result, lines: describeCheck(result, camera.name, locale, stored.latest, stored.image) };
}
