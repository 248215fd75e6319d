/**
 * Who is told of an incident, on which channels. Pure: (incident, alert kind, directory,
 * configured channels) → recipients. The commune police chief answers for the commune's cameras,
 * so the chief of the camera's unit (or the nearest unit above with one) comes first; the
 * contractor gets a work order for hardware faults; a private camera's owner is told of their
 * camera; the unit above and the People's Committee hear of what stays unacknowledged.
 */
import type { Incident } from '../store/incidents.js';
import { unitChain, type Directory, type DirUnit, type Person } from './directory.js';
import { CHANNELS, type AnyChannelDefinition } from './channels/index.js';

/** security: an alarm about camwatch itself (password guessing on the dashboard), to the administrators */
export const ALERT_KINDS = ['opened', 'reminder', 'escalation', 'recovery', 'digest', 'security'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export type EscalationReason = 'unacknowledged' | 'repair_breach';

export type RecipientReason = 'chief' | 'contractor' | 'owner' | 'admin' | 'escalation';

export interface Recipient {
  person: Person;
  reason: RecipientReason;
  /** names of channels whose audience is contacts */
  channels: string[];
}

export interface RouteInput {
  incident: Incident;
  kind: Exclude<AlertKind, 'digest'>;
  reason?: EscalationReason | undefined;
  directory: Directory;
  /** channels configured in alerts.channels */
  configured: ReadonlySet<string>;
  /** the channel list; CHANNELS unless a test brings its own */
  channels?: readonly AnyChannelDefinition[] | undefined;
}

export interface Route {
  recipients: Recipient[];
  /** whether the alert also goes once to channel whose audience is broadcast */
  broadcast: boolean;
}

const CHIEF = 'police_chief';
const ESCALATION_ROLES = new Set(['police_chief', 'deputy_police_chief', 'police', 'people_committee']);

/** Faults a contractor repairs: the camera is dark or its picture is bad. A refused password is the owner's (or the police's) to fix. */
export function isHardwareFault(kind: string): boolean {
  return kind === 'offline' || kind.startsWith('image:');
}

export function personalChannels(person: Person, configured: ReadonlySet<string>, channels: readonly AnyChannelDefinition[] = CHANNELS): string[] {
  const listed: ReadonlySet<string> | undefined = person.channels && new Set(person.channels);
  return channels
    .filter((channel) => channel.audience === 'contacts' && configured.has(channel.name) && (!listed || listed.has(channel.name)) && channel.reaches(person))
    .map((channel) => channel.name);
}

/** The nearest unit, from `unitId` up, that has a police chief; with its chiefs. */
export function chiefOf(directory: Directory, unitId: string | null | undefined): { unit: DirUnit; chiefs: Person[] } | undefined {
  for (const unit of unitChain(directory, unitId)) {
    const chiefs = unit.contacts.filter((c) => c.role === CHIEF);
    if (chiefs.length > 0) return { unit, chiefs };
  }
  return undefined;
}

/** The People's Committee of the units up to the chief's, and the police of the nearest unit above the chief's. */
export function escalationContacts(directory: Directory, unitId: string | null | undefined): Person[] {
  const chain = unitChain(directory, unitId);
  const chief = chiefOf(directory, unitId);
  const chiefIndex = chief ? chain.findIndex((u) => u.id === chief.unit.id) : chain.length - 1;
  const out: Person[] = [];
  for (const unit of chain.slice(0, chiefIndex + 1)) out.push(...unit.contacts.filter((c) => c.role === 'people_committee'));
  for (const unit of chain.slice(chiefIndex + 1)) {
    const above = unit.contacts.filter((c) => ESCALATION_ROLES.has(c.role));
    if (above.length > 0) {
      out.push(...above);
      break;
    }
  }
  return out;
}

export function route(input: RouteInput): Route {
  const { incident, kind, directory, configured, channels } = input;
  const none: Route = { recipients: [], broadcast: false };
  // A camera inside a grouped incident is told through the group, once.
  if (incident.scope === 'camera' && incident.group_id !== null) return none;

  const picked = new Map<string, Recipient>();
  const add = (people: readonly Person[], reason: RecipientReason) => {
    for (const person of people) {
      if (picked.has(person.key)) continue;
      const reachable = personalChannels(person, configured, channels);
      if (reachable.length > 0) picked.set(person.key, { person, reason, channels: reachable });
    }
  };

  if (incident.scope === 'server') {
    // Nearly every camera down at once: suspect camwatch's own uplink, not the communes.
    add(directory.administrators, 'admin');
    return { recipients: [...picked.values()], broadcast: true };
  }

  const camera = incident.camera_id ? directory.cameras.get(incident.camera_id) : undefined;
  const unitId = camera?.unitId ?? incident.unit_id;
  const chief = chiefOf(directory, unitId);
  const contractorId = incident.contractor_id ?? camera?.contractorId;
  const contractor = incident.scope === 'camera' && contractorId && isHardwareFault(incident.kind) ? directory.contractors.get(contractorId) : undefined;

  if (kind === 'escalation') {
    if (input.reason === 'repair_breach') {
      add(chief?.chiefs ?? [], 'chief');
      add(contractor?.contacts ?? [], 'contractor');
    }
    add(escalationContacts(directory, unitId), 'escalation');
  } else {
    add(chief?.chiefs ?? [], 'chief');
    if (kind !== 'reminder') {
      add(contractor?.contacts ?? [], 'contractor');
      if (incident.scope === 'camera' && camera?.owner) add([camera.owner], 'owner');
    }
  }
  // Nobody answerable is listed: the administrators must hear of it rather than nobody.
  if (picked.size === 0 && kind !== 'reminder') add(directory.administrators, 'admin');
  return { recipients: [...picked.values()], broadcast: kind !== 'reminder' };
}
