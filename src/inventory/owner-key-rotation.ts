/**
 * `camwatch owner-key rotate`: every owner's camera password sealed anew under a new key file.
 * Safe to kill at any point, and to run again:
 * 1. the new key is written beside the old one (`owner.key.next`, 0600), or the one an interrupted
 *    run left there is taken again;
 * 2. in one transaction, every password that opens with the old key is sealed under the new one
 *    (one already under the new key is left): a kill before the commit leaves them all under the
 *    old key, which the server and the daemon still read;
 * 3. the new file replaces the old one (rename: at once for every reader, which sees a new inode);
 * 4. a password an owner gave under the old key while this ran is sealed anew too.
 * A password opening with neither key stops the run before anything is written.
 */
import { fsyncSync, openSync, closeSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Engine } from '../store/db.js';
import { writeAudit } from '../store/audit.js';
import { resealPassword, sealedPasswords } from '../store/owners.js';
import { makeKeyFile, readKeyFile, sealPassword, tryOpenPassword } from './sealed-password.js';

/** Where a rotation keeps the new key until every password is sealed under it. */
export const nextKeyFile = (file: string) => `${file}.next`;

export class RotationError extends Error {
  constructor(readonly reason: 'no_key' | 'unreadable', readonly registrationId?: number) {
    super(reason === 'no_key' ? 'no owner key file to rotate' : `the password of registration ${registrationId} opens with neither the old key nor the new one`);
    this.name = 'RotationError';
  }
}

/** Seals under `fresh` every password sealed under `old`; returns how many. */
async function reseal(db: Engine, old: Buffer, fresh: Buffer): Promise<number> {
  return await db.transaction(async () => {
    let count = 0;
    for (const row of await sealedPasswords(db)) {
      if (tryOpenPassword(fresh, row.password_sealed) !== undefined) continue;
      const password = tryOpenPassword(old, row.password_sealed);
      if (password === undefined) throw new RotationError('unreadable', row.id);
      if (await resealPassword(db, row.id, row.password_sealed, sealPassword(fresh, password))) count++;
    }
    return count;
  });
}

/** Makes the rename survive a power cut: the directory's entry is written too. */
function syncDirectory(file: string) {
  const fd = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function rotateOwnerKey(db: Engine, file: string, by: string, now: number): Promise<{ resealed: number }> {
  const next = nextKeyFile(file);
  const old = readKeyFile(file);
  // A run killed after its rename left only the new key in `file`: nothing is sealed under another.
  if (!old) throw new RotationError('no_key');
  const fresh = makeKeyFile(next);
  const fd = openSync(next, 'r');
  fsyncSync(fd);
  closeSync(fd);
  let resealed = await reseal(db, old, fresh);
  renameSync(next, file);
  syncDirectory(file);
  resealed += await reseal(db, old, fresh);
  await writeAudit(db, { id: null, name: by, role: 'cli' }, { action: 'owner_key.rotated', detail: `${resealed} passwords sealed anew` }, now);
  return { resealed };
}
