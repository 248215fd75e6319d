/**
 * The browser for the dashboard tests: the one camwatch prints reports with (src/reports/chromium.ts:
 * Debian's Chromium when the system has it, what CI keeps, else the one inside the npm package
 * @sparticuz/chromium), so `npm test` passes on a machine with only Node and npm. The tests never
 * skip for want of a browser.
 */
import { launchChromium as launch } from '../../src/reports/chromium.js';

/** The live view plays without a click. */
export const launchChromium = () => launch(['--autoplay-policy=no-user-gesture-required']);
