import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding package.json, whether running from src/ (tests) or dist/src/ (built). */
function findPackageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('camwatch: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();
export const MIGRATIONS_DIR = path.join(PACKAGE_ROOT, 'migrations');
/** What the demo's simulated cameras show: a street, a market gate, a night scene, a school gate, a road. */
export const DEMO_SCENES_DIR = path.join(PACKAGE_ROOT, 'config/demo-scenes');
