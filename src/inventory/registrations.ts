/**
 * Cameras of households, shops and schools registered by their owners (issue 17): the consent
 * texts, sealing the camera password, and the steps of a registration — submitted, approved or
 * rejected by the commune police, withdrawn by the owner. Every step is in the audit log.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Engine } from '../store/db.js';
import { writeAudit } from '../store/audit.js';
import { addRegisteredCamera, retireRegisteredCamera } from '../store/inventory.js';
import {
  approvedRegistrationOfCamera,
  approvedRegistrations,
  decideRegistration,
  findRegistration,
  insertRegistration,
  registrationByTokenHash,
  setRegistrationPassword,
  withdrawRegistration,
  type NewRegistration,
  type RegistrationRow,
} from '../store/owners.js';
import type { Catalogue, Locale } from '../i18n/index.js';
import type { CameraTarget } from '../probe/check.js';
import type { UnitNode } from '../config/load.js';
import type { FleetCamera } from './fleet.js';
import { sealPassword, tryOpenPassword, type OwnerKeys } from './sealed-password.js';

/**
 * The consent texts, one key per version, never edited once shown: a new wording is a new key,
 * and the newest key is the one shown. Each registration keeps the version and the SHA-256 of
 * the exact words its owner read.
 */
const consentVi = {
  '2026-12':
    'Tôi là chủ sở hữu camera nêu trên. Tôi đồng ý để Công an xã, phường nơi đặt camera theo dõi tình trạng hoạt động của camera và, khi cần thiết cho công tác bảo đảm an ninh, trật tự, trích xuất hình ảnh của camera. Hình ảnh chỉ được lực lượng Công an và tôi xem; mọi lần xem, trích xuất đều được ghi lại. Tôi có thể rút lại sự đồng ý bất cứ lúc nào bằng đường dẫn được cấp khi đăng ký; khi đó hệ thống ngừng lấy hình ảnh của camera. Dữ liệu cá nhân của tôi được xử lý theo Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15.',
};
export const consentTexts: Catalogue<typeof consentVi> = {
  vi: consentVi,
  en: {
    '2026-12':
      'I own the camera described above. I agree that the police of the commune or ward where it stands monitor whether the camera works and, when needed for security and public order, extract its images. Only the police and I see the images; every viewing and extraction is recorded. I may withdraw this consent at any time with the link given at registration; the system then stops fetching the camera’s images. My personal data is processed under the Law on Personal Data Protection No. 91/2025/QH15.',
  },
};

export type ConsentVersion = keyof typeof consentVi;
export const CURRENT_CONSENT: ConsentVersion = Object.keys(consentVi).sort().at(-1) as ConsentVersion;

export function consentText(version: ConsentVersion, locale: Locale): string {
  return consentTexts[locale][version];
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// --- the steps ---------------------------------------------------------------------------------

export interface Submission {
  unitId: string;
  ownerType: 'household' | 'business' | 'school';
  cameraName: string;
  location: string;
  lat: number;
  lon: number;
  ownerName: string;
  ownerPhone: string;
  onvifHost: string;
  onvifPort: number;
  onvifUser: string;
  password: string | undefined;
  locale: Locale;
  ip: string;
}

/** The owner as the audit log names it: no account, its own name. */
export const ANONYMOUS = (name: string) => ({ id: null, name: name.slice(0, 64), role: 'anonymous' as const });

/** Stores a registration with the current consent; returns its id and the withdrawal token (shown once, stored hashed). */
export async function submitRegistration(db: Engine, key: Buffer | undefined, submission: Submission, now: number): Promise<{ id: number; token: string }> {
  const token = randomBytes(24).toString('base64url');
  const row: NewRegistration = {
    unit_id: submission.unitId,
    owner_type: submission.ownerType,
    camera_name: submission.cameraName,
    location: submission.location,
    lat: submission.lat,
    lon: submission.lon,
    owner_name: submission.ownerName,
    owner_phone: submission.ownerPhone,
    onvif_host: submission.onvifHost,
    onvif_port: submission.onvifPort,
    onvif_user: submission.onvifUser,
    password_sealed: key && submission.password ? sealPassword(key, submission.password) : null,
    consent_version: CURRENT_CONSENT,
    consent_locale: submission.locale,
    consent_sha256: sha256(consentText(CURRENT_CONSENT, submission.locale)),
    consent_at: now,
    withdraw_token_hash: sha256(token),
    created_at: now,
  };
  const id = await db.transaction(async () => {
    const inserted = await insertRegistration(db, row);
    await writeAudit(db, ANONYMOUS(submission.ownerName), { action: 'registration.submitted', detail: `registration ${inserted}, consent ${CURRENT_CONSENT}`, ip: submission.ip }, now);
    return inserted;
  });
  return { id, token };
}

/** The owner's record on the camera: who, and whether the consent stands. */
const ownerJson = (registration: RegistrationRow, consent: boolean) =>
  JSON.stringify({ name: registration.owner_name, phone: registration.owner_phone, consent, sharing: consent ? 'police_only' : 'none', registration: registration.id });

export const registeredCameraId = (registrationId: number) => `owner-${registrationId}`;

type Decider = { id: number; name: string; role: 'admin' | 'commune_chief' };

/** Approve: the camera joins the inventory and is checked like any other. False when no longer pending. */
export async function approveRegistration(db: Engine, id: number, by: Decider, ip: string, now: number): Promise<boolean> {
  return await db.transaction(async () => {
    const registration = await findRegistration(db, id);
    if (registration?.status !== 'pending') return false;
    const cameraId = registeredCameraId(id);
    await addRegisteredCamera(
      db,
      {
        id: cameraId,
        name: registration.camera_name,
        unit_id: registration.unit_id,
        location: registration.location,
        lat: registration.lat,
        lon: registration.lon,
        owner_type: registration.owner_type,
        owner: ownerJson(registration, true),
        onvif_host: registration.onvif_host,
        onvif_port: registration.onvif_port,
        onvif_user: registration.onvif_user,
      },
      now,
    );
    await decideRegistration(db, id, { status: 'approved', by: by.name, note: null, cameraId }, now);
    await writeAudit(db, by, { action: 'registration.approved', cameraId, detail: `registration ${id}`, ip }, now);
    return true;
  });
}

export async function rejectRegistration(db: Engine, id: number, by: Decider, note: string | null, ip: string, now: number): Promise<boolean> {
  return await db.transaction(async () => {
    if (!await decideRegistration(db, id, { status: 'rejected', by: by.name, note, cameraId: null }, now)) return false;
    await writeAudit(db, by, { action: 'registration.rejected', detail: `registration ${id}${note ? `: ${note}` : ''}`, ip }, now);
    return true;
  });
}

/**
 * The registration whose secret link carries `token`. Only the token's SHA-256 is stored and looked
 * up (so the lookup's timing says nothing about the stored hash); the row found is compared once
 * more in constant time, so no shortcut of the database's index decides alone.
 */
export async function registrationByToken(db: Engine, token: string): Promise<RegistrationRow | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const hash = Buffer.from(sha256(token), 'hex');
  const row = await registrationByTokenHash(db, hash.toString('hex'));
  const stored = row ? Buffer.from(row.withdraw_token_hash, 'hex') : Buffer.alloc(hash.length);
  return row && stored.length === hash.length && timingSafeEqual(stored, hash) ? row : undefined;
}

/**
 * The camera the owner of `token` may see: its registration is approved, its consent stands, and
 * the camera is in the inventory. Undefined for a wrong token, a pending, rejected or withdrawn
 * registration: the owner sees its own camera and no other, and only while it is monitored.
 */
export async function ownedCamera(db: Engine, token: string): Promise<{ registration: RegistrationRow; cameraId: string } | undefined> {
  const registration = await registrationByToken(db, token);
  if (registration?.status !== 'approved' || registration.withdrawn_at !== null || !registration.camera_id) return undefined;
  return { registration, cameraId: registration.camera_id };
}

/**
 * The owner withdraws consent: recorded, and the camera (when approved) is retired with its consent
 * marked withdrawn, so the scheduler drops it — no check of any kind reaches it any more, not even
 * reachability — and no role may open its images.
 */
export async function withdrawConsent(db: Engine, registration: RegistrationRow, ip: string, now: number): Promise<boolean> {
  return await db.transaction(async () => {
    if (!await withdrawRegistration(db, registration.id, now)) return false;
    if (registration.camera_id) await retireRegisteredCamera(db, registration.camera_id, ownerJson(registration, false), now);
    await writeAudit(db, ANONYMOUS(registration.owner_name), { action: 'registration.consent_withdrawn', cameraId: registration.camera_id ?? undefined, detail: `registration ${registration.id}`, ip }, now);
    return true;
  });
}

/**
 * The camera password given after registration, by its owner (secret link) or by the commune
 * police: sealed at once, never kept or written in clear. False when the registration is rejected
 * or withdrawn (nothing connects to that camera any more).
 */
export async function giveCameraPassword(db: Engine, keys: OwnerKeys, registration: RegistrationRow, password: string, by: Parameters<typeof writeAudit>[1], ip: string, now: number): Promise<boolean> {
  const sealed = sealPassword(keys.ensure(), password);
  return await db.transaction(async () => {
    if (!await setRegistrationPassword(db, registration.id, sealed)) return false;
    await writeAudit(db, by, { action: 'registration.password_given', cameraId: registration.camera_id ?? undefined, detail: `registration ${registration.id}`, ip }, now);
    return true;
  });
}

/** How camwatch reaches an approved registered camera whose consent stands, or undefined. */
export async function registeredCameraAccess(db: Engine, key: Buffer | undefined, cameraId: string): Promise<{ host: string; port: number; username: string; password: string } | undefined> {
  const registration = await approvedRegistrationOfCamera(db, cameraId);
  if (!registration) return undefined;
  return { host: registration.onvif_host, port: registration.onvif_port, username: registration.onvif_user, password: passwordOf(registration, key) };
}

/**
 * The camera password, or '' without one. A password sealed under a key camwatch no longer holds
 * (given while the key was being rotated) is '' too: that camera then fails its login and shows
 * "wrong password" until the password is given again, and every other camera is checked as before.
 */
const passwordOf = (registration: RegistrationRow, key: Buffer | undefined) => (key && registration.password_sealed ? tryOpenPassword(key, registration.password_sealed) ?? '' : '');

/** The cameras of approved registrations whose consent stands, as the scheduler checks them. */
export async function registeredTargets(db: Engine, key: Buffer | undefined, minResolution: { width: number; height: number }): Promise<CameraTarget[]> {
  return (await approvedRegistrations(db)).map((registration) => ({
    id: registration.camera_id as string,
    host: registration.onvif_host,
    onvifPort: registration.onvif_port,
    username: registration.onvif_user,
    password: passwordOf(registration, key),
    minResolution,
  }));
}

/** The same cameras as the health engine knows them, so their faults open incidents like any other's. */
export async function registeredFleetCameras(db: Engine, units: ReadonlyMap<string, UnitNode>): Promise<FleetCamera[]> {
  return (await approvedRegistrations(db)).map((registration) => ({
    id: registration.camera_id as string,
    name: registration.camera_name,
    unitId: registration.unit_id,
    lineage: units.get(registration.unit_id)?.lineage ?? [registration.unit_id],
    ownerType: registration.owner_type,
  }));
}
