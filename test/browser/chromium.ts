/**
 * The browser for the dashboard tests: Debian's Chromium when the system has it (what CI keeps),
 * else the one that ships inside the npm package @sparticuz/chromium, so `npm test` passes on a
 * machine with only Node and npm. The tests never skip for want of a browser.
 */
import { chromium, type Browser } from 'playwright-core';
import { isExecutable } from '../../src/probe/ffmpeg.js';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
/** Without these the closed network refuses the browser's own calls home. */
const QUIET = ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const OURS = ['--autoplay-policy=no-user-gesture-required'];
/** The npm build's defaults that would weaken what the tests check (CSP, same-origin). */
const WEAKENING = new Set(['--disable-web-security', '--allow-running-insecure-content']);

export async function launchChromium(): Promise<{ browser: Browser; source: 'system' | 'npm' }> {
  const system = process.env.CHROMIUM_PATH ?? (isExecutable(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : undefined);
  if (system) {
    return { browser: await chromium.launch({ executablePath: system, args: ['--no-sandbox', '--disable-gpu', ...QUIET, ...OURS] }), source: 'system' };
  }
  const { default: bundled } = await import('@sparticuz/chromium');
  const args = [...bundled.args.filter((arg) => !WEAKENING.has(arg)), ...QUIET, ...OURS];
  return { browser: await chromium.launch({ executablePath: await bundled.executablePath(), args }), source: 'npm' };
}
