/**
 * Can the schedule be met? Each camera keeps a check slot busy for a share of every second (its
 * check rates times how long each kind of check takes); the cameras behind one address share
 * that address's slots, and all share the global ones. When the slots needed exceed a limit, the
 * checks queue and start later and later: this says so before it happens, and which limit to
 * raise.
 */
import type { Intervals } from './scheduler.js';

/** Typical check durations (ms) by kind, measured or assumed. */
export interface CheckDurations {
  image: number;
  stream: number;
  device: number;
}

/** Durations assumed before any check was measured: a snapshot over a LAN, a stream joined mid-GOP. */
export const ASSUMED_DURATIONS: CheckDurations = { image: 1_000, stream: 4_000, device: 1_500 };

/** Slots are planned at this utilisation: checks arrive unevenly and a slow camera holds its slot. */
const TARGET_UTILISATION = 0.8;

export interface HostDemand {
  host: string;
  cameras: number;
  /** slots this host's cameras keep busy on average, at the planning utilisation */
  slotsNeeded: number;
}

export interface CapacityVerdict {
  /** busy slot-seconds per second for one camera */
  perCamera: number;
  slotsNeeded: number;
  concurrency: number;
  perHostConcurrency: number;
  /** hosts needing more than per_host_concurrency, most loaded first */
  overloadedHosts: HostDemand[];
  /** the busiest host, overloaded or not */
  busiestHost: HostDemand | undefined;
  /** what to raise, and to how much; empty when the schedule can be met */
  raise: Array<{ setting: 'concurrency' | 'per_host_concurrency'; to: number }>;
}

export function scheduleCapacity(input: { hosts: string[]; intervals: Intervals; concurrency: number; perHostConcurrency: number; durations: CheckDurations }): CapacityVerdict {
  const { intervals, durations } = input;
  // A stream check also yields a frame, so it stands in for the image check due at that time.
  const imageRate = Math.max(0, 1 / intervals.imageMs - 1 / intervals.streamMs);
  const perCamera = imageRate * durations.image + (1 / intervals.streamMs) * durations.stream + (1 / intervals.deviceMs) * durations.device;
  const camerasByHost = new Map<string, number>();
  for (const host of input.hosts) camerasByHost.set(host, (camerasByHost.get(host) ?? 0) + 1);
  const demands = [...camerasByHost].map(([host, cameras]) => ({ host, cameras, slotsNeeded: Math.ceil((cameras * perCamera) / TARGET_UTILISATION) })).sort((a, b) => b.slotsNeeded - a.slotsNeeded);
  const slotsNeeded = Math.ceil((input.hosts.length * perCamera) / TARGET_UTILISATION);
  const overloadedHosts = demands.filter((d) => d.slotsNeeded > input.perHostConcurrency);
  const raise: CapacityVerdict['raise'] = [];
  if (overloadedHosts.length) raise.push({ setting: 'per_host_concurrency', to: overloadedHosts[0]!.slotsNeeded });
  if (slotsNeeded > input.concurrency) raise.push({ setting: 'concurrency', to: slotsNeeded });
  return { perCamera, slotsNeeded, concurrency: input.concurrency, perHostConcurrency: input.perHostConcurrency, overloadedHosts, busiestHost: demands[0], raise };
}
