/** `camwatch check <camera>`: one full check now, readable or as JSON, exit code 1 when unhealthy. */
import { queueAlerts } from './alerts.js';
import { appOwnerKeys, type AppContext } from './context.js';
import type { ImageVerdict } from '../health/engine.js';
import { cliMessages } from './messages.js';
import { findingName } from '../health/messages.js';
import { healthEngine, ResultPipeline, type StoredResult } from '../health/ingest.js';
import { createLogger } from '../log.js';
import { translator, type Locale } from '../i18n/index.js';
import { checkCamera, type CameraTarget, type CheckKind, type CheckResult, type Finding } from '../probe/check.js';
import { registeredFleetCameras, registeredTargets } from '../inventory/registrations.js';
import { fleetFromConfig, setRegisteredCameras } from '../inventory/fleet.js';
import { findCamera } from '../store/inventory.js';
import { describeFailure, technicalDetail } from '../probe/messages.js';
import { cameraTarget, probeSettings } from '../inventory/targets.js';
import { redactSecrets, redactUrlCredentials } from '../redact.js';

/** Without any alert channel configured there is nobody to tell: incidents are only stored. */
const NOBODY_TO_TELL = () => {};

/** What the check output needs of a finding (kept structural so new finding kinds pass through). */
export interface FindingLike {
  kind: string;
  state: string;
  message: string;
}

/** Kinds that only advise (lighting for a black spot) and never make a camera unhealthy. */
const ADVICE_KINDS = new Set(['lighting_recommendation']);

/**
 * The faults behind an image verdict: from the findings when the assessment is at hand, otherwise
 * from the verdict's kinds (the daemon's check callback only carries the verdict).
 */
function imageFaults(image: ImageVerdict | undefined, findings: readonly FindingLike[] | undefined): { kinds: string[]; messages: string[] } {
  if (image?.ok !== false) return { kinds: [], messages: [] };
  const faults = findings?.filter((f) => f.state === 'fault') ?? [];
  if (faults.length > 0) return { kinds: [...new Set(faults.map((f) => f.kind))], messages: faults.map((f) => f.message) };
  return { kinds: image.kinds.filter((kind) => !ADVICE_KINDS.has(kind)), messages: image.detail ? [image.detail] : [] };
}

export function describeCheck(
  result: CheckResult,
  name: string,
  locale: Locale,
  evidence?: string,
  image?: ImageVerdict,
  findings?: readonly FindingLike[],
): string[] {
  const t = translator(cliMessages, locale);
  const lines: string[] = [];
  // `camwatch check` is run by an administrator: the probe's raw detail follows, labelled as such.
  const failureLines = (line: 'checkFail' | 'checkWarn', finding: Finding) => {
    const { text, advice } = describeFailure(finding, locale);
    lines.push(t(line, { id: result.cameraId, name, problem: text }), '  ' + advice, '  ' + technicalDetail(finding.detail, locale));
  };
  if (result.failure) {
    failureLines('checkFail', result.failure);
  } else {
    for (const warning of result.warnings) failureLines('checkWarn', warning);
    const faults = imageFaults(image, findings);
    if (image?.ok === false) {
      const names = faults.kinds.map((kind) => findingName(kind, locale)).join(', ');
      lines.push(t('checkImage', { id: result.cameraId, name, detail: names || (image.detail ?? '') }));
      for (const message of faults.messages) lines.push('  ' + message);
    } else if (result.warnings.length === 0) {
      lines.push(t('checkOk', { id: result.cameraId, name, ms: result.durationMs }));
    }
    // Advice that is not a fault, e.g. a dark black spot at night that needs street lighting.
    const advice = findings ? findings.filter((f) => f.state === 'advice').map((f) => f.message) : image?.ok === true && image.detail && image.kinds.length > 0 ? [image.detail] : [];
    for (const detail of advice) lines.push('  ' + t('checkAdvice', { detail }));
  }
  const { device, stream } = result;
  if (device) lines.push('  ' + t('deviceLine', { manufacturer: device.manufacturer, model: device.model, firmware: device.firmware, serial: device.serial, drift: device.clockDriftS }));
  if (stream) lines.push('  ' + t('streamLine', { ...stream, fps: stream.fps ? `, ${stream.fps} fps` : '' }));
  if (evidence) lines.push('  ' + t('evidenceLine', { path: evidence }));
  return lines;
}

/** Healthy: the check itself passed (no failure, no warning) and the picture shows no fault. Advice does not count. */
export function checkPassed(result: CheckResult, image: ImageVerdict | undefined): boolean {
  return result.status === 'ok' && image?.ok !== false;
}

/** Arrays this long are machine data (the view signature), not something a person or a script reads. */
const MAX_JSON_ARRAY = 64;

/**
 * The result for scripts: what was checked, how it went, what the picture shows and how much the
 * camera's baseline has learned. Never the frame bytes, never a credential.
 */
export function checkJson(result: CheckResult, stored: StoredResult | undefined, name: string) {
  const { assessment, image } = stored ?? {};
  const device = result.device && {
    ...result.device,
    streamUri: result.device.streamUri && redactUrlCredentials(result.device.streamUri),
    snapshotUri: result.device.snapshotUri && redactUrlCredentials(result.device.snapshotUri),
  };
  const metrics = assessment && Object.fromEntries(Object.entries(assessment.metrics).filter(([key, value]) => key !== 'signature' && !(Array.isArray(value) && value.length > MAX_JSON_ARRAY)));
  return {
    cameraId: result.cameraId,
    name,
    kind: result.kind,
    ok: checkPassed(result, image),
    status: result.status,
    failure: result.failure ?? null,
    warnings: result.warnings,
    stream: result.stream ?? null,
    device: device ?? null,
    durationMs: result.durationMs,
    startedAt: result.startedAt,
    stages: result.stages,
    frameSource: result.frameSource ?? null,
    streamPath: result.streamPath ?? null,
    streamFallback: result.streamFallback ?? null,
    frameBytes: result.frame?.length ?? null,
    image: image ?? null,
    assessment: assessment
      ? {
          night: assessment.night,
          detail: assessment.detail ?? null,
          findings: assessment.findings,
          metrics,
          baseline: { samples: assessment.baseline.samples, days: assessment.baseline.days, pinned: assessment.baseline.pinned },
        }
      : null,
    latest: stored?.latest ?? null,
    evidence: stored?.evidence ?? null,
  };
}

export interface CheckOutcome {
  result?: CheckResult | undefined;
  stored?: StoredResult | undefined;
  /** readable lines in the chosen language */
  lines: string[];
  /** `--json` text (already scrubbed of the camera's password) */
  json?: string | undefined;
  exitCode: 0 | 1;
}

/**
 * The camera to check: a configured one, or a camera registered by its owner, approved and with
 * its consent standing (its password opened with the owners' key); undefined for any other.
 */
async function checkTarget(app: AppContext, cameraId: string): Promise<{ target: CameraTarget; name: string } | undefined> {
  const camera = app.config.raw.cameras.find((c) => c.id === cameraId);
  if (camera) return { target: cameraTarget(app.config, camera), name: camera.name };
  const registered = (await registeredTargets(app.db, appOwnerKeys(app).current(), app.config.raw.probe.min_resolution)).find((target) => target.id === cameraId);
  return registered && { target: registered, name: (await findCamera(app.db, cameraId))?.name ?? cameraId };
}

export async function runCheckCommand(app: AppContext, cameraId: string, kind: CheckKind, locale: Locale): Promise<CheckOutcome> {
  const found = await checkTarget(app, cameraId);
  if (!found) {
    const t = translator(cliMessages, locale);
    return { lines: [t('unknownCamera', { id: cameraId, ids: app.config.raw.cameras.map((c) => c.id).join(', ') })], exitCode: 1 };
  }
  const { target, name } = found;
  const result = await checkCamera(target, kind, probeSettings(app.config, app.ffmpeg.ffmpeg));
  // Finding messages in the language of this command's output, which may differ from the config's.
  const localised = locale === app.config.raw.locale ? app : { ...app, config: { ...app.config, raw: { ...app.config.raw, locale } } };
  // Registered cameras open incidents like configured ones, as in the daemon.
  const fleet = fleetFromConfig(app.config);
  setRegisteredCameras(fleet, await registeredFleetCameras(app.db, app.config.units));
  const stored = await new ResultPipeline(localised, createLogger({ level: 'silent' }), healthEngine(app, queueAlerts(app) ?? NOBODY_TO_TELL, fleet)).process(result);
  return {
    result,
    stored,
    lines: describeCheck(result, name, locale, stored.latest, stored.image, stored.assessment?.findings),
    json: redactSecrets(JSON.stringify(checkJson(result, stored, name), null, 2), target.password ? [target.password] : []),
    exitCode: checkPassed(result, stored.image) ? 0 : 1,
  };
}
