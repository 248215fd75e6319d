/**
 * The Chromium that prints reports to PDF (and that the browser tests drive): CHROMIUM_PATH,
 * else Debian's /usr/bin/chromium, else the build inside the npm package @sparticuz/chromium when
 * it is installed. playwright-core and @sparticuz/chromium are loaded only when a PDF is asked
 * for, so every other command runs without them.
 */
import type { Browser } from 'playwright-core';
import { isExecutable } from '../probe/ffmpeg.js';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Without these the closed network refuses the browser's own calls home. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
/**
 * The npm build's defaults we drop: two would weaken what the page may do (CSP, same-origin), and
 * --single-process (made for AWS Lambda) lets one closed page take the whole browser down: the
 * PDF tests on a newcomer's machine lost their browser half-way.
 */
const DROPPED = new Set(['--disable-web-security', '--allow-running-insecure-content', '--single-process']);

export class ChromiumMissingError extends Error {
  constructor(cause: unknown) {
    super(`no Chromium to print with: install Debian's chromium package (apt install chromium), or set CHROMIUM_PATH to a Chromium or Chrome binary (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'ChromiumMissingError';
  }
}

export async function launchChromium(extraArgs: readonly string[] = []): Promise<{ browser: Browser; source: 'system' | 'npm' }> {
  const { chromium } = await import('playwright-core').catch((error: unknown) => {
    throw new ChromiumMissingError(error);
  });
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen !== undefined && !isExecutable(chosen)) throw new ChromiumMissingError(new Error(`CHROMIUM_PATH=${chosen} is not an executable file`));
  const system = chosen ?? (isExecutable(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (system) {
    return { browser: await chromium.launch({ executablePath: system, args: ['--no-sandbox', '--disable-gpu', ...QUIET, ...extraArgs] }), source: 'system' };
  }
  const { default: bundled } = await import('@sparticuz/chromium').catch((error: unknown) => {
    throw new ChromiumMissingError(error);
  });
  const args = [...bundled.args.filter((arg) => !DROPPED.has(arg)), ...QUIET, ...extraArgs];
  return { browser: await chromium.launch({ executablePath: await bundled.executablePath(), args }), source: 'npm' };
}
