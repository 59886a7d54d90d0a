import type { Assignments } from '../domain/types.ts';
import { type Db, toId } from './prisma.ts';

// The suggestion pool: points computed in the background for an experiment,
// stored so that any process can serve them. Claiming the next point is one
// UPDATE, so concurrent requests take different entries.

export interface PoolEntry {
  assignments: Assignments;
  /** How many observations the pool was computed from. */
  version: number;
}

export async function writePool(
  db: Db,
  experimentId: string,
  version: number,
  candidates: Assignments[],
): Promise<void> {
  const id = toId(experimentId);
  const data = { version, candidates, next: 0, computedAt: new Date() };
  await db.suggestionPool.upsert({
    where: { experimentId: id },
    create: { experimentId: id, ...data },
    update: data,
  });
}

/** Takes the pool's next entry; null when there is no pool or it is used up. */
export async function claimPoolEntry(db: Db, experimentId: string): Promise<PoolEntry | null> {
  const rows = await db.$queryRaw<Array<{ version: number; entry: unknown }>>`
    UPDATE suggestion_pools SET next = next + 1
    WHERE experiment_id = ${toId(experimentId)} AND next < jsonb_array_length(candidates)
    RETURNING version, candidates -> (next - 1) AS entry`;
  const [row] = rows;
  if (!row || row.entry === null || typeof row.entry !== 'object') return null;
  return { assignments: row.entry as Assignments, version: row.version };
}
