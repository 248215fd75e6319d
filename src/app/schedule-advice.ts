/**
 * `camwatch doctor`'s answer to "can the schedule be met?": the configured intervals and limits
 * against how long checks take here (measured over the last day, else assumed), for the configured
 * cameras and the approved cameras of owners.
 */
import type { Config } from '../config/load.js';
import { PROBE_LIMITS } from '../config/schema.js';
import { translator, type Locale } from '../i18n/index.js';
import { activeCameras } from '../inventory/targets.js';
import { ASSUMED_DURATIONS, scheduleCapacity } from '../scheduler/capacity.js';
import { scheduleMessages } from '../scheduler/messages.js';
import { typicalDurations } from '../store/checks.js';
import type { Engine } from '../store/db.js';
import { approvedRegistrations } from '../store/owners.js';

const DAY_MS = 86_400_000;

export async function scheduleAdvice(config: Config, db: Engine | undefined, locale: Locale, now = Date.now()): Promise<{ lines: string[]; ok: boolean }> {
  const t = translator(scheduleMessages, locale);
  const { probe } = config.raw;
  const measured = db ? await typicalDurations(db, now - DAY_MS) : { durations: {}, checks: 0 };
  const durations = { ...ASSUMED_DURATIONS, ...measured.durations };
  // The daemon checks the approved cameras of owners too: they take their share of the schedule.
  const hosts = [...activeCameras(config).map((camera) => camera.onvif.host), ...(db ? (await approvedRegistrations(db)).map((registration) => registration.onvif_host) : [])];
  const verdict = scheduleCapacity({
    hosts,
    intervals: { imageMs: probe.image_interval_s * 1000, streamMs: probe.stream_interval_s * 1000, deviceMs: probe.device_info_interval_s * 1000 },
    concurrency: probe.concurrency,
    perHostConcurrency: probe.per_host_concurrency,
    durations,
  });
  const busiest = verdict.busiestHost;
  const lines = [
    t('scheduleNeed', { cameras: hosts.length, slots: verdict.slotsNeeded, concurrency: probe.concurrency, host: busiest?.host ?? '-', hostCameras: busiest?.cameras ?? 0, hostSlots: busiest?.slotsNeeded ?? 0, perHost: probe.per_host_concurrency }),
    t('scheduleDurations', { ...durations, source: measured.checks ? t('scheduleMeasured', { checks: measured.checks }) : t('scheduleAssumed') }),
  ];
  if (verdict.raise.length === 0) lines.push(t('scheduleOk'));
  for (const { setting, to } of verdict.raise) lines.push(to > PROBE_LIMITS[setting] ? t('scheduleRaiseBeyond', { setting: `probe.${setting}`, to, max: PROBE_LIMITS[setting] }) : t('scheduleRaise', { setting: `probe.${setting}`, to }));
  return { lines, ok: verdict.raise.length === 0 };
}
