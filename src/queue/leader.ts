/**
 * Leader election on a NATS key-value bucket whose entries expire `leader_ttl_s` after they were
 * written: the leader is the server whose create() of the key succeeded, and it stays leader by
 * updating the key at the revision it last wrote, a third of the TTL apart. A leader killed
 * with -9 stops renewing and its key expires; a leader stopped cleanly deletes it, so another
 * takes over at once. A leader whose update fails (its key expired while it was stalled, and
 * another took it) has lost: it is told so and must stop leading at once.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { Queue } from './connection.js';

const KEY = 'leader';

export interface Election {
  readonly leading: boolean;
  /** gives up leadership (deletes the key when held) and stops campaigning */
  stop(): Promise<void>;
}

/**
 * A leader's term: the revision at which it took the key, larger for each later leader, within
 * the bucket's epoch (when the bucket was created: a NATS server started afresh begins again at 1).
 */
export interface Term {
  epoch: number;
  revision: number;
}

export async function campaign(queue: Queue, me: string, on: { elected: (term: Term) => void; lost: (why: string) => void }): Promise<Election> {
  const ttlMs = queue.settings.leader_ttl_s * 1000;
  const kv: KV = await new Kvm(queue.js).create(queue.names.leaderBucket, { ttl: ttlMs, history: 1 });
  const epoch = Date.parse((await kv.status()).streamInfo.created);
  let revision: number | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = async () => {
    if (revision === undefined) {
      revision = await kv.create(KEY, me).catch(() => undefined);
      if (revision !== undefined) on.elected({ epoch, revision });
    } else {
      try {
        revision = await kv.update(KEY, me, revision);
      } catch (error) {
        revision = undefined;
        stopped = true;
        on.lost(error instanceof Error ? error.message : String(error));
      }
    }
  };
  const loop = async () => {
    await round().catch(() => undefined);
    if (!stopped) timer = setTimeout(() => void loop(), ttlMs / 3);
  };
  await loop();
  return {
    get leading() {
      return revision !== undefined;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (revision !== undefined) await kv.delete(KEY, { previousSeq: revision }).catch(() => undefined);
      revision = undefined;
    },
  };
}
