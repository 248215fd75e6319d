/**
 * What each role may do beyond seeing: a contractor acknowledges only the faults its contract
 * repairs. Acknowledging a refused password (the commune's configuration) would silence the
 * police chief's reminders and escalation for a fault the contractor will never fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openIncident } from '../../src/store/incidents.js';
import { loginAs, makeFixture, type Fixture } from '../server/fixture.js';

let fx: Fixture;
let tokens: Map<string, string>;

beforeAll(async () => {
  fx = await makeFixture();
  tokens = await loginAs(fx, ['contractor-1', 'chief-a']);
});

afterAll(async () => {
  await fx.server.close();
});

const ack = (id: number, as: string) =>
  fx.server.inject({ method: 'POST', url: `/api/incidents/${id}/acknowledge`, headers: { authorization: `Bearer ${tokens.get(as)}` }, payload: {} });

describe('contractor acknowledgements', () => {
  it('a refused password on its own camera is not the contractor to acknowledge; the commune chief is', async () => {
    const refused = await openIncident(fx.db, { scope: 'camera', cameraId: 'a2', unitId: 'area-a1', kind: 'auth_failed', detail: 'auth', openedAt: Date.now(), contractorId: 'ct' });
    const denied = await ack(refused.id, 'contractor-1');
    expect(denied.statusCode).toBe(403);
    expect(denied.json<{ error: string; message: string }>()).toMatchObject({ error: 'not_contract_repair', message: expect.stringMatching(/maintenance contract/) });
    expect((await ack(refused.id, 'chief-a')).statusCode).toBe(200);
  });

  it('an offline camera of its own is the contractor to acknowledge', async () => {
    expect((await ack(fx.incidents.h1Offline, 'contractor-1')).statusCode).toBe(200);
  });
});
