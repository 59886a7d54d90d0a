import type { Assignments } from '../domain/types.ts';
import { type Db, toId } from './prisma.ts';

// The suggestion pool: points computed in the background for an experiment,
// stored so that any process can serve them. Each entry keeps its point's
// open key beside its assignments, so that one statement can claim an entry
// and make it a suggestion (see claimPooledSuggestion). Claiming is one
// UPDATE, so concurrent requests take different entries.

export interface PoolCandidate {
  assignments: Assignments;
  /** The canonical form of the assignments, as suggestions' open keys hold it. */
  key: string;
}

export interface PoolEntry extends PoolCandidate {
  /** How many observations arrived after those the pool was computed from (counted up to a bound). */
  behind: number;
}

export async function writePool(
  db: Db,
  experimentId: string,
  computedFrom: { count: number; lastObservationId: string | null },
  candidates: PoolCandidate[],
): Promise<void> {
  const id = toId(experimentId);
  const data = {
    version: computedFrom.count,
    lastObservationId: toId(computedFrom.lastObservationId ?? '0'),
    candidates: candidates as object[],
    next: 0,
    computedAt: new Date(),
  };
  await db.suggestionPool.upsert({
    where: { experimentId: id },
    create: { experimentId: id, ...data },
    update: data,
  });
}
