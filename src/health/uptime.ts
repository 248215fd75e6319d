/**
 * Time-weighted uptime. A check's state holds from its start until the next check of the same
 * camera, but at most `holdMs`: beyond that we do not know (camwatch was down, or the camera was
 * not scheduled), and unknown time is neither uptime nor downtime. Maintenance time is excluded
 * too. Two figures: availability (stream reachable) and image-OK (reachable and no image finding).
 * Segments are written into hourly and daily rollups as they close, so reports never read raw checks.
 */
import type { Engine } from '../store/db.js';
import { HOUR_MS, hourStart, localDay } from './calendar.js';
import { overlapMs } from './maintenance.js';
import type { MaintenanceWindow } from '../store/maintenance.js';
import { addUptime, countUptimeCheck } from '../store/uptime.js';

export interface Segment {
  cameraId: string;
  from: number;
  to: number;
  up: boolean;
  imageOk: boolean;
}

export interface Bucket {
  known: number;
  up: number;
  imageOk: number;
  maintenance: number;
}

/** Splits a segment into UTC hours and measures each piece. Pure: the arithmetic tests look here. */
export function measureSegment(segment: Segment, windows: readonly MaintenanceWindow[]): Map<number, Bucket> {
  const out = new Map<number, Bucket>();
  for (let start = segment.from; start < segment.to; ) {
    const hour = hourStart(start);
    const end = Math.min(segment.to, hour + HOUR_MS);
    const maintenance = overlapMs(windows, start, end);
    const known = end - start - maintenance;
    out.set(hour, {
      known,
      up: segment.up ? known : 0,
      imageOk: segment.up && segment.imageOk ? known : 0,
      maintenance,
    });
    start = end;
  }
  return out;
}

export class UptimeWriter {
  private readonly days = new Map<number, string>();

  constructor(
    private readonly db: Engine,
    private readonly timeZone: string,
  ) {}

  private dayOf(hour: number): string {
    let day = this.days.get(hour);
    if (!day) {
      day = localDay(hour, this.timeZone);
      if (this.days.size > 10_000) this.days.clear();
      this.days.set(hour, day);
    }
    return day;
  }

  async addSegment(segment: Segment, windows: readonly MaintenanceWindow[]): Promise<void> {
    for (const [hour, b] of measureSegment(segment, windows)) await addUptime(this.db, segment.cameraId, hour, this.dayOf(hour), b);
  }

  async countCheck(cameraId: string, at: number, failed: boolean): Promise<void> {
    const hour = hourStart(at);
    await countUptimeCheck(this.db, cameraId, hour, this.dayOf(hour), failed);
  }
}

/** The rule printed under every report and in README.md, so officials know how the figure is made. */
export const UPTIME_RULE = {
  vi:
    'Cách tính: thời gian hoạt động được tính theo thời gian, không theo số lần kiểm tra. Kết quả của mỗi lần kiểm tra ' +
    'được giữ đến lần kiểm tra sau, tối đa {holdMinutes} phút; quá thời gian đó (kể cả khi camwatch ngừng chạy) là ' +
    '"không rõ" và không tính vào cả hai phía. Thời gian bảo trì có kế hoạch không tính. Camera chưa được kiểm tra lần ' +
    'nào là "chưa có dữ liệu". Tỷ lệ hoạt động = thời gian xem được luồng / thời gian đã biết; tỷ lệ ảnh đạt = thời gian ' +
    'xem được và ảnh không có lỗi / thời gian đã biết. Ngày tính theo giờ Việt Nam (UTC+7).',
  en:
    'How uptime is counted: by time, not by number of checks. Each check result holds until the next check, for at most ' +
    '{holdMinutes} minutes; beyond that (including while camwatch itself was not running) time is "unknown" and counts ' +
    'neither as up nor as down. Planned maintenance is excluded. A camera never checked yet has "no data". ' +
    'Availability = time the stream was reachable / known time; image OK = time reachable with no image finding / known ' +
    'time. Days are Vietnam days (UTC+7).',
} as const;
