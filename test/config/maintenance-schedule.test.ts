/** The maintenance schedule of a contract in the config: accepted, defaulted, and each mistake reported with its file, line, field and a fix. */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const config = (maintenance: string) => `
version: 1
units:
  - { id: xa-a, name: xã A, kind: commune }
contractors:
  - id: ct
    name: Công ty Một
    contract:
      repair_hours: 48
      maintenance: ${maintenance}
`;

function issues(text: string): string[] {
  try {
    parseConfig(text, 'camwatch.yaml', {});
  } catch (error) {
    if (error instanceof ConfigError) return error.lines('en');
    throw error;
  }
  throw new Error('expected the config to be rejected');
}

describe('contract.maintenance', () => {
  it('is read, with cleaning and inspection when no tasks are given', () => {
    const raw = parseConfig(config('{ every_days: 90 }'), 'camwatch.yaml', {}).raw;
    expect(raw.contractors[0]?.contract.maintenance).toEqual({ every_days: 90, tasks: ['clean', 'inspect'] });
    expect(parseConfig(config('{ every_days: 30, tasks: [inspect, firmware] }'), 'camwatch.yaml', {}).raw.contractors[0]?.contract.maintenance?.tasks).toEqual(['inspect', 'firmware']);
  });

  it('reports a wrong interval or task at its line, with what to write instead', () => {
    expect(issues(config('{ every_days: 0 }'))).toEqual(['camwatch.yaml:10:34 contractors[0].contract.maintenance.every_days: must be at least 1 day, e.g. 90 for quarterly']);
    expect(issues(config('{ every_days: 7.5 }'))[0]).toContain('contractors[0].contract.maintenance.every_days: must be a whole number of days');
    expect(issues(config('{ every_days: 90, tasks: [clean, wash] }'))).toEqual([
      'camwatch.yaml:10:53 contractors[0].contract.maintenance.tasks[1]: must be one of clean, inspect, adjust, firmware, repair',
    ]);
    expect(issues(config('{ every_days: 90, tasks: [clean, clean] }'))[0]).toContain('lists a task twice');
    expect(issues(config('{ every: 90 }'))[0]).toMatch(/contractors\[0\]\.contract\.maintenance/);
  });
});
