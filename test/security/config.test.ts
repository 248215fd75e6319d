/**
 * Hostile configs: YAML aliases that never end must give an error naming file and line at once,
 * not hang the loader while memory grows (the audit saw 180 s and 400 MB).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, type ConfigIssue } from '../../src/config/load.js';

const HEAD = 'version: 1\ncameras: []\n';

function issueOf(yaml: string): ConfigIssue {
  const started = performance.now();
  try {
    parseConfig(yaml, 'hostile.yaml', {});
  } catch (error) {
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues[0]!;
  }
  throw new Error('the config was accepted');
}

describe('hostile YAML', () => {
  it('a unit whose children include itself is refused at the alias, with its line', () => {
    const issue = issueOf(`${HEAD}units:\n  - &u\n    id: xa\n    name: xã A\n    kind: commune\n    children: [*u]\n`);
    expect(issue.text.en).toMatch(/alias \*u is inside the block &u/);
    expect(issue.line).toBe(8);
  });

  it('aliases that expand without end (billion laughs) are refused', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) levels.push(`l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const issue = issueOf(`${HEAD}units: []\n${levels.join('\n')}\n`);
    expect(issue.text.en).toMatch(/aliases expand too far/);
  });
});
