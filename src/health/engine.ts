/**
 * The only place that decides a camera's state and opens or closes incidents. Each check goes
 * through `record` in one transaction: the check row, the uptime segment it closes, the state
 * with its hysteresis, the incident changes, and (through `onEvent`, inside the same
 * transaction) whatever must be written about them — so a crash never loses an incident.
 */
import type { Engine } from '../store/db.js';
import {
  camerasFailingOffline,
  camerasWithBadImage,
  readHealth,
  refusedPasswordRows,
  saveHealth,
  type CameraState,
  type HealthRow,
} from '../store/camera-health.js';
import type { CheckResult } from '../probe/check.js';
import type { HealthConfig } from '../config/schema.js';
import { camerasUnder, type Fleet, type FleetCamera } from '../inventory/fleet.js';
import { storeCheck } from '../store/checks.js';
import { covers } from './maintenance.js';
import { windowsOverlapping } from '../store/maintenance.js';
import { UptimeWriter } from './uptime.js';
import {
  attachToGroup,
  getIncident,
  openCameraIncident,
  openGroupIncident,
  openIncident,
  openMembers,
  resolveIncident,
  setIncidentDetail,
  touchIncident,
  ungroupedCameraIncidents,
  type Incident,
} from '../store/incidents.js';

type Observation = Exclude<CameraState, 'unknown'>;

/** What image analysis said of the check's frame; `ok: null` when it could not judge. */
export interface ImageVerdict {
  ok: boolean | null;
  kinds: string[];
  detail?: string | undefined;
}

export type HealthEvent =
  | { type: 'opened'; incident: Incident }
  | { type: 'resolved'; incident: Incident }
  /** closed because a harder fault of the same camera replaced it: the camera did not recover */
  | { type: 'superseded'; incident: Incident }
  | { type: 'grouped'; incident: Incident; group: Incident };

export interface EngineOptions {
  health: HealthConfig;
  timeZone: string;
  /** how long a check's result holds for uptime before time becomes unknown */
  holdMs: number;
  /** runs inside the transaction of the change it reports (the alert outbox writes here) */
  onEvent: (event: HealthEvent) => void | Promise<void>;
}

function observe(result: CheckResult, image: ImageVerdict | undefined): Observation {
  if (result.failure) return result.failure.kind === 'auth_failed' ? 'auth_failed' : 'offline';
  return image?.ok === false ? 'degraded' : 'online';
}

/** Image faults that weather or a lighting outage can cause across a whole area at once. */
const AREA_IMAGE_KINDS = new Set(['image:blurred', 'image:dark', 'image:covered']);

/** Stages of a stream check that are the stream's own (before them, the camera itself failed). */
const STREAM_STAGES = new Set<string>(['rtsp_reach', 'rtsp']);

const isFailure = (o: string | null): o is 'offline' | 'auth_failed' => o === 'offline' || o === 'auth_failed';

function stateOf(incident: Incident | undefined): CameraState | undefined {
  if (!incident) return undefined;
  if (incident.kind === 'offline' || incident.kind === 'auth_failed') return incident.kind;
  return 'degraded';
}

export class HealthEngine {
  private readonly uptime: UptimeWriter;

  constructor(
    private readonly db: Engine,
    private readonly fleet: Fleet,
    private readonly options: EngineOptions,
  ) {
    this.uptime = new UptimeWriter(db, options.timeZone);
  }

  /**
   * Cameras whose password is being refused now: refusals in a row and when the last one was,
   * so that the scheduler's back-off survives a restart.
   */
  async refusedPasswords(): Promise<Map<string, { refusals: number; lastAt: number }>> {
    return new Map((await refusedPasswordRows(this.db)).map((r) => [r.camera_id, { refusals: r.fail_streak, lastAt: r.last_check_at }]));
  }

  async record(result: CheckResult, image?: ImageVerdict, evidencePath?: string): Promise<{ checkId: number; state: CameraState }> {
    return await this.db.transaction(async () => this.recordInTransaction(result, image, evidencePath));
  }

  private async emit(event: HealthEvent) {
    await this.options.onEvent(event);
  }

  private async recordInTransaction(result: CheckResult, image: ImageVerdict | undefined, evidencePath: string | undefined) {
    const { db } = this;
    const camera = this.fleet.cameras.get(result.cameraId);
    const at = result.startedAt;
    const h: HealthRow = await readHealth(db, result.cameraId) ?? {
      camera_id: result.cameraId, state: 'unknown', since: at, last_check_id: null, last_check_at: null, last_observed: null,
      last_up: null, last_image_ok: null, fail_streak: 0, fail_kind: null, up_streak: 0, good_streak: 0, image_bad_since: null, image_kind: null,
      stream_fail_streak: 0,
    };
    const checkId = await storeCheck(db, result, { evidencePath, imageOk: image?.ok, findings: image?.kinds, previousId: h.last_check_id });
    const lineage = camera?.lineage ?? [];
    const windows = (await windowsOverlapping(db, Math.min(h.last_check_at ?? at, at), at + 1)).filter((w) => covers(w, result.cameraId, lineage));

    // The previous check's state holds from its start until now, capped.
    if (h.last_check_at !== null && at > h.last_check_at) {
      await this.uptime.addSegment(
        { cameraId: result.cameraId, from: h.last_check_at, to: Math.min(at, h.last_check_at + this.options.holdMs), up: h.last_up === 1, imageOk: h.last_image_ok !== 0 },
        windows,
      );
    }
    await this.uptime.countCheck(result.cameraId, at, Boolean(result.failure));

    // The stream's own streak: a good snapshot says nothing about the stream (issue: a dead
    // stream hidden by a live snapshot). A failure before the RTSP stages is the camera's, not the
    // stream's; so is one while the camera has an incident for failing whole (a hung camera drops
    // RTSP too), or "stream down" would open the moment it recovered (the soak of 2026-12-05).
    let incident = await openCameraIncident(db, result.cameraId);
    if (result.kind === 'stream' || result.kind === 'full') {
      if (!result.failure) h.stream_fail_streak = 0;
      else if (STREAM_STAGES.has(result.failure.stage) && !isFailure(incident?.kind ?? null)) h.stream_fail_streak++;
    }
    const observed = observe(result, image);
    if (isFailure(observed)) {
      h.fail_streak = h.fail_kind === observed ? h.fail_streak + 1 : 1;
      h.fail_kind = observed;
      h.up_streak = 0;
      h.good_streak = 0;
    } else {
      h.fail_streak = 0;
      h.fail_kind = null;
      h.up_streak++;
      h.good_streak = observed === 'online' ? h.good_streak + 1 : 0;
      if (observed === 'degraded') {
        h.image_bad_since ??= at;
        // The finding that has lasted names the incident: an overexposed picture that one check
        // also reads as covered stays overexposed (the soak of 2026-12-05 opened it as covered).
        const kinds = image?.kinds ?? [];
        h.image_kind = h.image_kind && kinds.includes(h.image_kind) ? h.image_kind : (kinds[0] ?? 'image');
      } else if (image?.ok === true) {
        h.image_bad_since = null;
        h.image_kind = null;
      }
    }

    const inMaintenance = windows.some((w) => w.starts_at <= at && at < w.ends_at);
    if (incident) await touchIncident(db, incident.id, checkId, evidencePath);
    incident = await this.maybeResolve(incident, h, at);
    const wanted = this.wantedIncident(h, at);
    if (wanted && incident && incident.kind !== wanted && (isFailure(wanted) || (wanted === 'stream_down' && incident.kind.startsWith('image:')))) {
      // A harder fault replaces a softer one (an unclear image, then the camera goes dark entirely).
      await this.resolve(incident, at, 'camwatch:superseded', 'superseded');
      incident = undefined;
    }
    if (wanted && !incident && !inMaintenance && camera) {
      incident = await this.open(camera, wanted, at, checkId, evidencePath, result, image);
    }

    const state = stateOf(incident) ?? (observed === 'online' || observed === 'degraded' ? 'online' : h.state);
    if (state !== h.state) h.since = at;
    h.state = state;
    h.last_check_id = checkId;
    h.last_check_at = at;
    h.last_observed = observed;
    h.last_up = result.failure ? 0 : 1;
    h.last_image_ok = image?.ok === undefined || image.ok === null ? h.last_image_ok : image.ok ? 1 : 0;
    await saveHealth(db, h);
    return { checkId, state };
  }

  /** The incident kind the camera's streaks call for now, if any. */
  private wantedIncident(h: HealthRow, at: number): string | undefined {
    const { health } = this.options;
    if (isFailure(h.fail_kind)) {
      const needed = health.open_after_failures_by_kind[h.fail_kind] ?? health.open_after_failures;
      return h.fail_streak >= needed ? h.fail_kind : undefined;
    }
    if (h.stream_fail_streak >= health.open_after_failures) return 'stream_down';
    if (h.image_bad_since !== null && h.image_kind && at - h.image_bad_since >= health.image_persist_minutes * 60_000) return `image:${h.image_kind}`;
    return undefined;
  }

  private async maybeResolve(incident: Incident | undefined, h: HealthRow, at: number): Promise<Incident | undefined> {
    if (!incident) return undefined;
    const needed = this.options.health.close_after_successes;
    const recovered = incident.kind === 'stream_down' ? h.stream_fail_streak === 0 : isFailure(incident.kind) ? h.up_streak >= needed : h.good_streak >= needed;
    if (!recovered) return incident;
    await this.resolve(incident, at, 'camwatch');
    return undefined;
  }

  private async resolve(incident: Incident, at: number, by: string, type: 'resolved' | 'superseded' = 'resolved') {
    if (!await resolveIncident(this.db, incident.id, at, by)) return;
    await this.emit({ type, incident: await getIncident(this.db, incident.id) as Incident });
    // The group closes with its last member, and the same way: a group whose last camera went
    // from an unclear picture to offline has not recovered either.
    if (incident.group_id !== null && await openMembers(this.db, incident.group_id) === 0) {
      const group = await getIncident(this.db, incident.group_id);
      if (group && await resolveIncident(this.db, group.id, at, by)) await this.emit({ type, incident: await getIncident(this.db, group.id) as Incident });
    }
  }

  private async open(camera: FleetCamera, kind: string, at: number, checkId: number, evidencePath: string | undefined, result: CheckResult, image: ImageVerdict | undefined) {
    const detail = result.failure?.detail ?? image?.detail;
    const group = kind === 'offline' || AREA_IMAGE_KINDS.has(kind) ? await this.groupFor(camera, at, kind) : undefined;
    const incident = await openIncident(this.db, {
      scope: 'camera', cameraId: camera.id, unitId: camera.unitId, groupId: group?.id, kind, detail,
      openedAt: at, checkId, evidencePath, contractorId: camera.contractorId,
    });
    await this.emit({ type: 'opened', incident });
    if (group) await this.adoptOpenIncidents(group, kind);
    return incident;
  }

  /** How many of `cameras` show the same fault as `kind` right now (the current camera included). */
  private async failingLike(cameras: FleetCamera[], current: string, kind: string): Promise<number> {
    const ids = new Set(kind === 'offline' ? await camerasFailingOffline(this.db) : await camerasWithBadImage(this.db, kind.slice('image:'.length)));
    ids.add(current);
    return cameras.filter((camera) => ids.has(camera.id)).length;
  }

  /**
   * When most cameras of a unit fail together the cause is shared: power or the area's network
   * for offline cameras, rain, fog or a street-lighting outage for unclear or dark pictures. One
   * grouped incident instead of many. When nearly all go offline, suspect our own uplink first.
   */
  private async groupFor(camera: FleetCamera, at: number, kind: string): Promise<Incident | undefined> {
    const { group, server } = this.options.health;
    if (kind === 'offline') {
      const all = [...this.fleet.cameras.values()];
      const failingAll = await this.failingLike(all, camera.id, kind);
      if (failingAll >= server.min_cameras && failingAll / all.length >= server.min_fraction) {
        return await this.ensureGroup('server', null, 'server_network', `${failingAll}/${all.length}`, at);
      }
    }
    const groupKind = kind === 'offline' ? 'power_or_network' : `area_${kind.replace(':', '_')}`;
    // Closest unit first; the root (province) is too wide to call one cause.
    for (const unitId of [...camera.lineage].reverse().slice(0, Math.max(1, camera.lineage.length - 1))) {
      const members = camerasUnder(this.fleet, unitId);
      const failing = await this.failingLike(members, camera.id, kind);
      if (failing >= group.min_cameras && failing / members.length >= group.min_fraction) {
        return await this.ensureGroup('unit', unitId, groupKind, `${failing}/${members.length}`, at);
      }
    }
    return undefined;
  }

  private async ensureGroup(scope: 'unit' | 'server', unitId: string | null, kind: string, counts: string, at: number): Promise<Incident> {
    const existing = await openGroupIncident(this.db, scope, unitId, kind);
    if (existing) {
      await setIncidentDetail(this.db, existing.id, counts);
      return existing;
    }
    const incident = await openIncident(this.db, { scope, unitId: unitId ?? undefined, kind, detail: counts, openedAt: at });
    await this.emit({ type: 'opened', incident });
    return incident;
  }

  private async adoptOpenIncidents(group: Incident, kind: string) {
    for (const row of await ungroupedCameraIncidents(this.db, kind)) {
      const member = this.fleet.cameras.get(row.camera_id);
      if (!member || (group.scope === 'unit' && !member.lineage.includes(group.unit_id ?? ''))) continue;
      await attachToGroup(this.db, row.id, group.id);
      await this.emit({ type: 'grouped', incident: await getIncident(this.db, row.id) as Incident, group });
    }
  }
}
