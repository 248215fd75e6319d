import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { syncInventory } from '../../src/inventory/sync.js';
import { openStore } from '../../src/store/db.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/app/server.js';
import { CAMERA_PASSWORDS, YAML } from './fixture.js';

describe('startServer', () => {
  it('listens on the configured address, answers /healthz and refuses the rest without login', async () => {
    const config = parseConfig(YAML.replace('server:\n', 'server:\n  port: 0\n'), 'test.yaml', CAMERA_PASSWORDS);
    const { db } = await openStore(':memory:');
    await syncInventory(db, config, 0);
    const lines: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => void lines.push(line) } as never });
    const server = await startServer({ config, db, evidenceDir: mkdtempSync(path.join(tmpdir(), 'camwatch-listen-')) }, log);
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok', db: true });
      expect((await fetch(`${server.url}/api/cameras`)).status).toBe(401);
    } finally {
      await server.close();
      await server.close();
    }
    expect(lines.some((line) => line.includes('HTTP API listening'))).toBe(true);
  });
});
