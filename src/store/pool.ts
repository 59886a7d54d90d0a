import type { Assignments } from '../domain/types.ts';
import { type Db, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

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

/**
 * Stores a freshly computed pool, unless the experiment's definition moved
 * past `revision` while it was computed: points of an old parameter space
 * must not be served.
 */
export async function writePool(
  sql: Sql,
  experiment: { id: string; revision: number },
  computedFrom: { count: number; lastObservationId: string | null },
  candidates: PoolCandidate[],
): Promise<void> {
  await sql.query(
    `INSERT INTO suggestion_pools
       (experiment_id, version, last_observation_id, candidates, next, computed_at)
     SELECT id, $3, $4, $5::jsonb, 0, now() FROM experiments WHERE id = $1 AND revision = $2
     ON CONFLICT (experiment_id) DO UPDATE
       SET version = EXCLUDED.version, last_observation_id = EXCLUDED.last_observation_id,
           candidates = EXCLUDED.candidates, next = 0, computed_at = EXCLUDED.computed_at`,
    [
      experiment.id,
      experiment.revision,
      computedFrom.count,
      computedFrom.lastObservationId ?? '0',
      JSON.stringify(candidates),
    ],
  );
}

/** Drops the pool, inside the transaction that changes the experiment's definition. */
export async function dropPool(db: Db, experimentId: string): Promise<void> {
  await db.suggestionPool.deleteMany({ where: { experimentId: toId(experimentId) } });
}
