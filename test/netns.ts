/**
 * A network namespace of the test's own (we run as root), with only its loopback, up, and a
 * multicast route on it: the test's WS-Discovery multicast never leaves it, and fixed ports
 * inside it collide with nothing on the host. The name is unique per test process, so test files
 * running at once each have their own.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

export class NetworkNamespace {
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly name: string) {}

  static async create(): Promise<NetworkNamespace> {
    const namespace = new NetworkNamespace(`camwatch-${process.pid}-${randomBytes(3).toString('hex')}`);
    await run('ip', ['netns', 'add', namespace.name]);
    try {
      for (const command of [
        ['ip', 'link', 'set', 'lo', 'up'],
        ['ip', 'link', 'set', 'lo', 'multicast', 'on'],
        ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'lo'],
      ]) {
        await run('ip', ['netns', 'exec', namespace.name, ...command]);
      }
    } catch (error) {
      await namespace.remove();
      throw error;
    }
    return namespace;
  }

  /** Runs a command inside and waits for it (a non-zero exit is a result, not an error). */
  async exec(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Finished> {
    try {
      const { stdout, stderr } = await run('ip', ['netns', 'exec', this.name, ...args], { env, timeout: timeoutMs });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  /**
   * Starts a long-running command inside (`ip netns exec` execs it: the child is the command
   * itself) and resolves once its output contains `ready`; it is stopped by `remove`.
   */
  start(args: readonly string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env, timeoutMs = 120_000): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', this.name, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.add(child);
    let output = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms: ${args.join(' ')}\n${output}`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (!ready.test(output)) return;
        clearTimeout(timer);
        resolve(child);
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before it was ready: ${args.join(' ')}\n${output}`));
      });
    });
  }

  /** Stops what was started inside, then deletes the namespace. */
  async remove(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5000).unref();
          }),
      ),
    );
    await run('ip', ['netns', 'delete', this.name]).catch(() => undefined);
  }
}
