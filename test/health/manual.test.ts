import { describe, expect, it } from 'vitest';
import { resolveByHand } from '../../src/health/manual.js';
import { listIncidents } from '../../src/store/incidents.js';
import { MINUTE, setup } from './fleet-fixture.js';

function groupedOutage() {
  const fixture = setup();
  for (let round = 0; round < 3; round++) for (const id of ['b1', 'b2', 'b3']) fixture.check(id, round * MINUTE, 'unreachable');
  const open = listIncidents(fixture.db, { open: true });
  const group = open.find((i) => i.scope === 'unit');
  return { ...fixture, group: group!, members: open.filter((i) => i.group_id === group?.id) };
}

describe('resolving by hand', () => {
  it('closing a grouped incident closes its camera incidents too', () => {
    const { db, group, members } = groupedOutage();
    expect(members).toHaveLength(3);
    expect(resolveByHand(db, group.id, 'Trưởng CA xã B', 10 * MINUTE)?.changed).toBe(true);
    expect(listIncidents(db, { open: true })).toEqual([]);
  });

  it('closing the last open camera incident of a group closes the group', () => {
    const { db, group, members } = groupedOutage();
    for (const member of members.slice(0, 2)) resolveByHand(db, member.id, 'admin', 10 * MINUTE);
    expect(listIncidents(db, { open: true }).map((i) => i.id)).toContain(group.id);
    resolveByHand(db, members[2]!.id, 'admin', 11 * MINUTE);
    expect(listIncidents(db, { open: true })).toEqual([]);
  });
});
