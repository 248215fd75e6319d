/**
 * A commune with the long names real ones have, and a real-length public address: what alert
 * texts are measured against.
 */
import { directoryFromConfig } from '../../src/alerts/directory.js';
import { parseConfig } from '../../src/config/load.js';
import type { Incident } from '../../src/store/incidents.js';

export const PUBLIC_URL = 'https://giamsatcamera.congan.gialai.gov.vn';
/** Long but real-looking: the longest names in the directive's area run about this long. */
export const CAMERA_NAME = 'Ngã tư Quốc lộ 1A – đường vào Chợ Diêu Trì (cổng phía Bắc, cột đèn số 12)';

const config = parseConfig(
  `
version: 1
units:
  - id: gia-lai
    name: tỉnh Gia Lai
    kind: province
    children:
      - id: tuy-phuoc-dong
        name: xã Tuy Phước Đông
        kind: commune
        contacts:
          - { name: Trưởng Công an xã Tuy Phước Đông, role: police_chief, phone: "0912000001" }
        children:
          - { id: phu-my, name: thôn Phú Mỹ Đông Nam, kind: area }
contractors:
  - id: ct
    name: Công ty Cổ phần Viễn thông Tin học Bưu điện Bình Định
    contract: { acknowledge_hours: 4, repair_hours: 48 }
    contacts:
      - { name: Kỹ thuật, role: other, phone: "0912000009" }
cameras:
  - { id: cam-dieu-tri-12, name: "${CAMERA_NAME}", unit: phu-my, location: "Quốc lộ 1A, km 1230+500, trước Ủy ban nhân dân xã", lat: 13.81234, lon: 109.14567, contractor: ct, onvif: { host: 10.0.0.1, password_env: PW } }
`,
  'sms.yaml',
  { PW: 'pw' },
);
export const directory = directoryFromConfig(config);

export const T0 = Date.UTC(2026, 11, 4, 7, 5);
export const ID = 104857;

export function incident(kind: string, scope: Incident['scope'], detail: string | null, over: Partial<Incident> = {}): Incident {
  const camera = scope === 'camera';
  return {
    id: ID, scope, camera_id: camera ? 'cam-dieu-tri-12' : null, unit_id: scope === 'server' ? null : camera ? 'phu-my' : 'tuy-phuoc-dong', group_id: null, kind, detail,
    opened_at: T0, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, first_check_id: null, last_check_id: null, evidence_path: null,
    contractor_id: camera ? 'ct' : null, ...over,
  };
}

