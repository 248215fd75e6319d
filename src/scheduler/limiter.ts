/**
 * Admission control for checks: a global limit, a per-host limit (many cameras sit behind one
 * NVR or 4G router whose uplink is the bottleneck) and at most one check per camera at a time.
 */
export interface Slot {
  cameraId: string;
  host: string;
}

export class Limiter {
  private running = 0;
  private readonly perHost = new Map<string, number>();
  private readonly busyCameras = new Set<string>();

  constructor(
    private readonly globalLimit: number,
    private readonly hostLimit: number,
  ) {}

  get active(): number {
    return this.running;
  }

  isBusy(cameraId: string): boolean {
    return this.busyCameras.has(cameraId);
  }

  /** Takes a slot for this check, or answers which limit keeps it from starting now. */
  acquire(slot: Slot): 'camera_busy' | 'concurrency' | 'per_host_concurrency' | undefined {
    if (this.busyCameras.has(slot.cameraId)) return 'camera_busy';
    if (this.running >= this.globalLimit) return 'concurrency';
    if ((this.perHost.get(slot.host) ?? 0) >= this.hostLimit) return 'per_host_concurrency';
    this.running++;
    this.busyCameras.add(slot.cameraId);
    this.perHost.set(slot.host, (this.perHost.get(slot.host) ?? 0) + 1);
    return undefined;
  }

  release(slot: Slot): void {
    this.running--;
    this.busyCameras.delete(slot.cameraId);
    const left = (this.perHost.get(slot.host) ?? 1) - 1;
    if (left > 0) this.perHost.set(slot.host, left);
    else this.perHost.delete(slot.host);
  }
}
