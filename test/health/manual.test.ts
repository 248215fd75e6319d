import { describe, expect, it } from 'vitest';
import { resolveByHand } from '../../src/health/manual.js';
import { listIncidents } from '../../src/store/incidents.js';
import { MINUTE, setup } from './fleet-fixture.js';

async function groupedOutage() {
  const fixture = await setup();
  for (let round = 0; round < 3; round++) for (const id of ['b1', 'b2', 'b3']) await fixture.check(id, round * MINUTE, 'unreachable');
  const open = await listIncidents(fixture.db, { open: true });
  const group = open.find((i) => i.scope === 'unit');
  return { ...fixture, group: group!, members: open.filter((i) => i.group_id === group?.id) };
}

describe('resolving by hand', () => {
  it('closing a grouped incident closes its camera incidents too', async () => {
    const { db, group, members } = await groupedOutage();
    expect(members).toHaveLength(3);
    expect((await resolveByHand(db, group.id, 'Trưởng CA xã B', 10 * MINUTE))?.changed).toBe(true);
    expect(await listIncidents(db, { open: true })).toEqual([]);
  });

  it('closing the last open camera incident of a group closes the group', async () => {
    const { db, group, members } = await groupedOutage();
    for (const member of members.slice(0, 2)) await resolveByHand(db, member.id, 'admin', 10 * MINUTE);
    expect((await listIncidents(db, { open: true })).map((i) => i.id)).toContain(group.id);
    await resolveByHand(db, members[2]!.id, 'admin', 11 * MINUTE);
    expect(await listIncidents(db, { open: true })).toEqual([]);
  });
});
