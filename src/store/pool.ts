import type { Assignments } from '../domain/types.ts';
import { type Db, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

// The suggestion pool: points computed in the background for an experiment,
// stored so that any process can serve them. Each entry is a row with its
// point's open key beside its assignments, so that one statement can claim an
// entry and make it a suggestion (see claimPooledSuggestion); concurrent
// requests take different rows without waiting for one another.

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
 * Stores a freshly computed pool in place of the last one, unless the
 * experiment's definition moved past `revision` while it was computed:
 * points of an old parameter space must not be served.
 */
export async function writePool(
  sql: Sql,
  experiment: { id: string; revision: number },
  computedFrom: { count: number; lastObservationId: string | null },
  candidates: PoolCandidate[],
): Promise<void> {
  await sql.transaction(async (tx) => {
    const header = await tx.query(
      `INSERT INTO suggestion_pools (experiment_id, version, last_observation_id, computed_at)
       SELECT id, $3, $4, now() FROM experiments WHERE id = $1 AND revision = $2
       ON CONFLICT (experiment_id) DO UPDATE
         SET version = EXCLUDED.version, last_observation_id = EXCLUDED.last_observation_id,
             computed_at = EXCLUDED.computed_at
       RETURNING experiment_id`,
      [
        experiment.id,
        experiment.revision,
        computedFrom.count,
        computedFrom.lastObservationId ?? '0',
      ],
    );
    if (header.length === 0) return;
    await tx.query('DELETE FROM suggestion_pool_entries WHERE experiment_id = $1', [experiment.id]);
    await tx.query(
      `INSERT INTO suggestion_pool_entries (experiment_id, position, assignments, open_key)
       SELECT $1, entry.n, entry.x -> 'assignments', entry.x ->> 'key'
         FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS entry(x, n)`,
      [experiment.id, JSON.stringify(candidates)],
    );
  });
}

/** Drops the pool, inside the transaction that changes the experiment's definition. */
export async function dropPool(db: Db, experimentId: string): Promise<void> {
  await db.suggestionPool.deleteMany({ where: { experimentId: toId(experimentId) } });
}
