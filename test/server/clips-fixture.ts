/**
 * A server with the evidence clips (one recording at a time, 30 s at most, 50 MB unless told) in front of one
 * simulated camera (a1, commune A) and one that never answers (a9), and users of every role.
 * Each reading of its clock moves it on a second: the steps of a clip get distinct, ordered times.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { createLogger } from '../../src/log.js';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import { addUser } from '../../src/server/auth.js';
import { buildServer, type Server } from '../../src/server/app.js';
import { startFleet, type CameraFleet } from '../../src/simulator/index.js';
import { openStore } from '../../src/store/db.js';
import type { OwnerKeys } from '../../src/inventory/sealed-password.js';
import { USER_PASSWORD, USERS } from './fixture.js';

export { USER_PASSWORD, USERS };

export const CAMERA_PASSWORD = 'Clip-Cam-Pass-9x';


function yaml(rtspUrl: string, httpPort: number, diskBudgetMb: number): string {
  return `
version: 1
server:
  evidence_clips: { max_concurrent: 1, disk_budget_mb: ${diskBudgetMb}, max_duration_s: 30 }
  report: { issuer: CÔNG AN XÃ A }
units:
  - id: province
    name: tỉnh Gia Lai
    kind: province
    code: "52"
    children:
      - { id: commune-a, name: xã A, kind: commune, code: "21001" }
      - { id: commune-b, name: xã B, kind: commune, code: "21002" }
contractors:
  - { id: ct, name: Công ty Viễn thông Một, contract: { acknowledge_hours: 4, repair_hours: 48 } }
cameras:
  - { id: a1, name: Ngã ba chợ A, unit: commune-a, location: Ngã ba chợ, contractor: ct, onvif: { host: 127.0.0.1, port: ${httpPort}, password_env: CLIP_PW }, rtsp_url: "${rtspUrl}" }
  - { id: a9, name: Camera tắt, unit: commune-a, contractor: ct, onvif: { host: 127.0.0.1, port: 9, password_env: CLIP_PW }, rtsp_url: "rtsp://127.0.0.1:9/none" }
`;
}

export interface ClipServer {
  server: Server;
  fleet: CameraFleet;
  /** what the server logged */
  logLines: string[];
  url: string;
  db: Awaited<ReturnType<typeof openStore>>['db'];
  evidenceDir: string;
  /** a new server on the same database, as camwatch starting again (not listening) */
  restart(): Promise<Server>;
  stop(): Promise<void>;
}

/** `diskBudgetMb`: the space clips may take (evidence_clips.disk_budget_mb); `ownerKeys`: how owners' camera passwords are sealed. */
export async function startClipServer(diskBudgetMb = 50, ownerKeys?: OwnerKeys): Promise<ClipServer> {
  const fleet: CameraFleet = await startFleet({ count: 1, password: CAMERA_PASSWORD });
  const camera = fleet.cameras[0]!;
  const config = parseConfig(yaml(camera.rtspUrl, camera.httpPort, diskBudgetMb), 'clips.yaml', { CLIP_PW: CAMERA_PASSWORD });
  const { db } = await openStore(':memory:');
  await syncInventory(db, config, 0);
  for (const user of USERS) await addUser(db, { ...user, password: USER_PASSWORD }, 0);
  const evidenceDir = mkdtempSync(path.join(tmpdir(), 'camwatch-clips-'));
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } as never });
  let clock = Date.parse('2026-03-02T02:00:00Z');
  const build = () => buildServer({ db, config, evidenceDir, log: log as unknown as FastifyBaseLogger, now: () => (clock += 1000), ffmpeg: locateFfmpeg().ffmpeg, ownerKeys });
  const server = await build();
  const url = await server.listen({ host: '127.0.0.1', port: 0 });
  return {
    server,
    fleet,
    logLines,
    url,
    db,
    evidenceDir,
    restart: build,
    async stop() {
      await server.close();
      await fleet.stop();
    },
  };
}
