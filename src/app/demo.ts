/** `camwatch demo`: a simulated fleet with a few faults switched on, and the daemon watching it. */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { DEMO_SCENES_DIR } from '../paths.js';
import { openApp } from './context.js';
import { startDaemon } from './daemon.js';
import { describeCheck } from './check-command.js';
import { cliMessages } from './messages.js';
import { createLogger } from '../log.js';
import { translator, type Locale } from '../i18n/index.js';
import { startFleet, type SimulatedFault } from '../simulator/index.js';
import { addUser, listUsers, setPassword } from '../server/auth.js';
import type { Engine } from '../store/db.js';

/** Which demo cameras misbehave, so a first-time user sees every kind of answer. */
export const DEMO_FAULTS = {
  'sim-003': 'dark',
  'sim-004': 'offline',
  'sim-005': 'hang',
  'sim-006': 'wrong_password',
} as const satisfies Record<string, SimulatedFault>;

const DEMO_USER = 'demo';

/** A fresh password for the demo's admin user at every start, printed for the person trying it. */
async function ensureDemoUser(db: Engine): Promise<string> {
  const password = randomBytes(9).toString('base64url');
  const exists = (await listUsers(db)).some((u) => u.name === DEMO_USER);
  if (exists) await setPassword(db, DEMO_USER, password);
  else await addUser(db, { name: DEMO_USER, role: 'admin', password });
  return password;
}

/** `preferred`: the language asked for with --lang or CAMWATCH_LANG; otherwise the config's `locale`. */
export async function runDemo(configFile: string, preferred?: Locale): Promise<void> {
  const password = randomBytes(9).toString('base64url');
  process.env.CAMWATCH_DEMO_PASSWORD = password;
  const app = await openApp(configFile);
  const locale = preferred ?? app.config.raw.locale;
  const t = translator(cliMessages, locale);
  const ports = app.config.raw.cameras.map((camera) => camera.onvif.port);
  const scenes = readdirSync(DEMO_SCENES_DIR).filter((file) => file.endsWith('.jpg')).sort().map((file) => path.join(DEMO_SCENES_DIR, file));
  const fleet = await startFleet({ count: ports.length, basePort: Math.min(...ports), password, photos: scenes });
  for (const [id, fault] of Object.entries(DEMO_FAULTS)) await fleet.camera(id).setFault(fault);

  const names = new Map(app.config.raw.cameras.map((camera) => [camera.id, camera.name]));
  const log = createLogger({ level: process.env.CAMWATCH_LOG_LEVEL ?? 'error' });
  const daemon = await startDaemon(app, log, {
    onCheck: (result, _checkId, image) => {
      const time = new Date(result.startedAt).toLocaleTimeString('vi-VN', { timeZone: app.config.raw.timezone });
      console.log(`[${time}] ${t(`checkKind_${result.kind}`).padEnd(9)} ` + describeCheck(result, names.get(result.cameraId) ?? '', locale, undefined, image).join('\n' + ' '.repeat(21)));
    },
  });

  const demoUser = await ensureDemoUser(app.db);
  console.log(t('demoReady', { count: fleet.cameras.length }));
  if (daemon.server) console.log(t('demoDashboard', { url: daemon.server.url, user: DEMO_USER, password: demoUser }));
  console.log(t('demoFaults', { faults: Object.entries(DEMO_FAULTS).map(([id, fault]) => `${id}: ${t(`demoFault_${fault}`)}`).join(', ') }));
  console.log(t('demoWhere', { db: app.dbPath, evidence: app.evidenceDir, config: path.resolve(configFile) }));

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await daemon.stop();
  await fleet.stop();
}
