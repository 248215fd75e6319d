/**
 * Child process for the kill -9 test (transpiled to test-artifacts/ and run by plain node).
 * KILL_MODE=run: makes cameras fail and recover forever, the real dispatcher delivering as it
 * goes, until the parent SIGKILLs it. KILL_MODE=drain: restarts on the same DB and delivers what
 * is left, then exits.
 */
import { loadConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/db.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { fleetFromConfig } from '../../src/inventory/fleet.js';
import { HealthEngine } from '../../src/health/engine.js';
import { startAlerts } from '../../src/app/alerts.js';
import { createLogger } from '../../src/log.js';
import type { AppContext } from '../../src/app/context.js';

const config = loadConfig(process.env.KILL_CONFIG as string);
const file = process.env.KILL_DB as string;
const { db } = await openStore(file);
await syncInventory(db, config);
const app = { config, db, dbPath: file, evidenceDir: '/tmp' } as unknown as AppContext;
const log = createLogger({ level: 'silent' });
const alerts = startAlerts(app, log);
const engine = new HealthEngine(db, fleetFromConfig(config), { health: config.raw.health, timeZone: 'Asia/Ho_Chi_Minh', holdMs: 180_000, onEvent: alerts.onHealthEvent });
const yieldNow = () => new Promise((resolve) => setTimeout(resolve, 2));

if (process.env.KILL_MODE === 'run') {
  const cameras = config.raw.cameras.map((c) => c.id);
  let at = Date.now();
  for (let round = 0; ; round++) {
    const failing = round % 5 < 3;
    for (const cameraId of cameras) {
      at = Math.max(at + 1, Date.now());
      await engine.record({ cameraId, kind: 'image', startedAt: at, durationMs: 5, status: failing ? 'fail' : 'ok', warnings: [], stages: {}, ...(failing ? { failure: { kind: 'unreachable' as const, stage: 'reach' as const, detail: 'x' } } : {}) });
      await yieldNow();
    }
    process.stdout.write(`round ${round}\n`);
  }
} else {
  for (;;) {
    await alerts.dispatcher!.tick();
    const left = await db.get("SELECT COUNT(*) AS n FROM alerts WHERE status IN ('pending', 'sending', 'failed')") as { n: number };
    if (left.n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await alerts.stop();
  await db.close();
  process.stdout.write('drained\n');
}
