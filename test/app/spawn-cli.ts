/** The built CLI (`npx tsc -p .` first), spawned as an administrator runs it. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const CLI = path.resolve('dist/src/cli.js');

/** The administrator's shell: no owners' key in the environment, the default language. */
export function adminEnv(): NodeJS.ProcessEnv {
  const { CAMWATCH_OWNER_KEY: _key, CAMWATCH_LANG: _lang, ...env } = process.env;
  return env;
}

/** Runs `camwatch args…`; a failing exit is an answer, not an exception. */
export async function camwatch(args: string[], env: NodeJS.ProcessEnv = adminEnv()): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
