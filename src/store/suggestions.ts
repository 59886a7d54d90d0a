import type {
  Assignments,
  Metadata,
  QueuedSuggestionRecord,
  SuggestionRecord,
  SuggestionState,
} from '../domain/types.ts';
import { toQueuedSuggestion, toSuggestion } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import type { PoolEntry } from './pool.ts';
import { type Db, jsonOrNull, type Prisma, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

export type SuggestionSource =
  'optimizer' | 'quick' | 'random' | 'grid' | 'queued' | 'user' | 'retry';

export interface NewSuggestion {
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
  source: SuggestionSource;
  /** Set for the optimizer's points: no other open suggestion may hold the same key. */
  openKey?: string | null;
  leaseSeconds?: number | null;
  attempt?: number;
  retryOf?: string | null;
}

/** The columns of a suggestion as the plain-SQL statements return them. */
const suggestionColumns = `
  id::text AS id, experiment_id::text AS "experimentId", assignments, state::text AS state,
  deleted, metadata, created_at AS created, lease_expires_at AS "leaseExpires", attempt,
  retry_of::text AS "retryOf"`;

const fromRow = (row: SuggestionRecord): SuggestionRecord => ({
  ...row,
  metadata: row.metadata ?? null,
});

// The INSERT shared by every way a suggestion is made. Its rows come from a
// SELECT, so a statement can put a guard or a claimed pool entry before it.
const insertColumns = `(experiment_id, assignments, metadata, source, open_key, lease_expires_at,
                        attempt, retry_of)`;
const insertTail = `ON CONFLICT (experiment_id, open_key) DO NOTHING RETURNING ${suggestionColumns}`;
const leaseExpiry = (param: string) =>
  `CASE WHEN ${param}::int IS NULL THEN NULL ELSE now() + ${param}::int * interval '1 second' END`;

export interface MadeSuggestion {
  /** False when the experiment is no longer active at the revision given: nothing was written. */
  current: boolean;
  /** Null when nothing was written, or when its open key is taken by another open suggestion. */
  suggestion: SuggestionRecord | null;
}

/**
 * Creates the suggestion, if the experiment is still active and at `revision`
 * (the definition its assignments were chosen or checked against; null for a
 * point that was an open trial already, a queued or an expired one, which is
 * offered whatever the definition).
 */
export async function createSuggestion(
  sql: Sql,
  input: NewSuggestion & { revision: number | null },
): Promise<MadeSuggestion> {
  const [row] = await sql.query<{ current: boolean; made: SuggestionRecord | null }>(
    `WITH current AS (
       SELECT id FROM experiments
        WHERE id = $1 AND ($9::int IS NULL OR revision = $9) AND state = 'active'
     ), made AS (
       INSERT INTO suggestions ${insertColumns}
       SELECT $1, $2::jsonb, $3::jsonb, $4, $5, ${leaseExpiry('$6')}, $7, $8 FROM current
       ${insertTail}
     )
     SELECT EXISTS (SELECT 1 FROM current) AS current, (SELECT to_jsonb(made) FROM made) AS made`,
    [
      input.experimentId,
      JSON.stringify(input.assignments),
      input.metadata === null ? null : JSON.stringify(input.metadata),
      input.source,
      input.openKey ?? null,
      input.leaseSeconds ?? null,
      input.attempt ?? 1,
      input.retryOf ?? null,
      input.revision,
    ],
    'create-suggestion',
  );
  return {
    current: row?.current ?? false,
    suggestion: row?.made ? madeRecord(row.made) : null,
  };
}

/** What serving the next suggestion depends on. */
export interface ServingFacts {
  /** Whether the experiment has a live observation. */
  observed: boolean;
  /** Open suggestions whose lease (if any) still runs. */
  open: number;
  /** Whether a queued suggestion waits. */
  queued: boolean;
  /** Whether an open suggestion's lease ran out (only for experiments with leases). */
  expired: boolean;
}

export interface PoolClaim {
  facts: ServingFacts;
  /** The entry taken from the pool; null when the pool is missing or used up, or not tried. */
  entry: PoolEntry | null;
  /** The suggestion made from it; null when the entry was stale or its point is open already. */
  suggestion: SuggestionRecord | null;
}

export interface PoolClaimRequest {
  experiment: {
    id: string;
    revision: number;
    leaseSeconds: number | null;
    parallelBandwidth: number | null;
  };
  source: SuggestionSource;
  /** How many requests this statement serves: it takes up to this many entries. */
  count?: number;
  /**
   * Makes suggestions of entries older than the parallel workers allow as
   * well, when the experiment runs in parallel and has observations: such
   * workers take a point from slightly older data rather than wait.
   */
  serveStale?: boolean;
}

/**
 * One statement for the usual request, or for several that arrived together:
 * reads what serving depends on and, when no queued point and no expired
 * lease comes first, takes the pool's next `count` entries and makes them
 * suggestions if they are at most as many observations old as workers run in
 * parallel besides these (or older, with `serveStale`). The answer has one
 * claim per request, best entry first: a request past the last entry gets
 * none. Null when the experiment is no longer at `revision`: then nothing
 * changed.
 */
export async function claimPooledSuggestions(
  sql: Sql,
  claim: PoolClaimRequest,
): Promise<PoolClaim[] | null> {
  const { experiment } = claim;
  const count = Math.max(1, claim.count ?? 1);
  const rows = await sql.query<
    ServingFacts & {
      current: boolean;
      entries: { assignments: Assignments; key: string }[];
      behind: number;
      made: { key: string; suggestion: SuggestionRecord }[];
    }
  >(
    `WITH current AS (
       SELECT id FROM experiments WHERE id = $1 AND revision = $2 AND state = 'active'
     ), facts AS (
       SELECT
         EXISTS (SELECT 1 FROM observations
           WHERE experiment_id = $1 AND deleted_at IS NULL) AS observed,
         (SELECT count(*)::int FROM suggestions
           WHERE experiment_id = $1 AND state = 'open' AND NOT deleted
             AND (lease_expires_at IS NULL OR lease_expires_at > now())) AS open,
         EXISTS (SELECT 1 FROM queued_suggestions
           WHERE experiment_id = $1 AND consumed_at IS NULL AND deleted_at IS NULL) AS queued,
         ($4::int IS NOT NULL AND EXISTS (SELECT 1 FROM suggestions
           WHERE experiment_id = $1 AND state = 'open' AND NOT deleted
             AND lease_expires_at < now())) AS expired
     ), claimed AS (
       -- The first entries no other request holds: concurrent claims never wait.
       DELETE FROM suggestion_pool_entries taken
        USING suggestion_pools pool
        WHERE pool.experiment_id = taken.experiment_id
          AND (taken.experiment_id, taken.position) IN (
            SELECT experiment_id, position FROM suggestion_pool_entries
             WHERE experiment_id = $1 AND EXISTS (SELECT 1 FROM current)
               AND NOT (SELECT queued OR expired FROM facts)
             ORDER BY position LIMIT $6 FOR UPDATE SKIP LOCKED)
       RETURNING taken.position, pool.last_observation_id, taken.assignments, taken.open_key
     ), parallel AS (
       SELECT GREATEST($3::int, facts.open + $6::int) AS workers, facts.observed FROM facts
     ), behind AS (
       -- Counted only as far as it matters: up to the workers running in parallel.
       SELECT count(*)::int AS n FROM (
         SELECT 1 FROM observations o
          WHERE o.experiment_id = $1 AND o.deleted_at IS NULL
            AND o.id > (SELECT max(last_observation_id) FROM claimed)
          LIMIT (SELECT workers FROM parallel)
       ) AS newer
     ), made AS (
       INSERT INTO suggestions ${insertColumns}
       SELECT $1, claimed.assignments, NULL, $5, claimed.open_key, ${leaseExpiry('$4')}, 1, NULL
         FROM claimed, behind, parallel
        WHERE behind.n <= parallel.workers - 1
           OR ($7::boolean AND parallel.workers > 1 AND parallel.observed)
        ORDER BY claimed.position
       ON CONFLICT (experiment_id, open_key) DO NOTHING
       RETURNING ${suggestionColumns}, open_key AS "openKey"
     )
     SELECT EXISTS (SELECT 1 FROM current) AS current, facts.*, (SELECT n FROM behind) AS behind,
            (SELECT coalesce(jsonb_agg(jsonb_build_object('assignments', assignments, 'key', open_key)
                                       ORDER BY position), '[]'::jsonb) FROM claimed) AS entries,
            (SELECT coalesce(jsonb_agg(jsonb_build_object(
                      'key', made."openKey", 'suggestion', to_jsonb(made) - 'openKey')), '[]'::jsonb)
               FROM made) AS made
       FROM facts`,
    [
      experiment.id,
      experiment.revision,
      experiment.parallelBandwidth ?? 1,
      experiment.leaseSeconds,
      claim.source,
      count,
      claim.serveStale ?? false,
    ],
    'claim-pooled-suggestions',
  );
  const [row] = rows;
  if (!row?.current) return null;
  const { observed, open, queued, expired } = row;
  const facts = { observed, open, queued, expired };
  const made = new Map(row.made.map(({ key, suggestion }) => [key, suggestion]));
  return Array.from({ length: count }, (_, index): PoolClaim => {
    const entry = row.entries[index];
    if (!entry) return { facts, entry: null, suggestion: null };
    const suggestion = made.get(entry.key);
    return {
      facts,
      entry: { ...entry, behind: row.behind },
      suggestion: suggestion ? madeRecord(suggestion) : null,
    };
  });
}

/** A suggestion row that came back as JSON: its times are strings there. */
function madeRecord(made: SuggestionRecord): SuggestionRecord {
  const raw = made as unknown as Record<string, unknown>;
  return fromRow({
    ...made,
    created: new Date(raw.created as string),
    leaseExpires: raw.leaseExpires === null ? null : new Date(raw.leaseExpires as string),
  });
}

export async function findSuggestion(
  db: Db,
  experimentId: string,
  id: string,
  options: { includeDeleted?: boolean } = {},
): Promise<SuggestionRecord | null> {
  const row = await db.suggestion.findFirst({
    where: {
      id: toId(id),
      experimentId: toId(experimentId),
      ...(options.includeDeleted ? {} : { deleted: false }),
    },
  });
  return row ? toSuggestion(row) : null;
}

export interface SuggestionFilter {
  state: SuggestionState | 'all';
  ids: string[] | null;
}

function suggestionWhere(experimentId: string, filter: SuggestionFilter) {
  return {
    experimentId: toId(experimentId),
    deleted: false,
    ...(filter.state === 'all' ? {} : { state: filter.state }),
    ...(filter.ids ? { id: { in: filter.ids.map(toId) } } : {}),
  } satisfies Prisma.SuggestionWhereInput;
}

export async function listSuggestions(
  db: Db,
  experimentId: string,
  filter: SuggestionFilter,
  page: PageRequest,
): Promise<Page<SuggestionRecord>> {
  const where = suggestionWhere(experimentId, filter);
  const result = await paginate(page, {
    count: () => db.suggestion.count({ where }),
    find: (range, order, take) =>
      db.suggestion.findMany({
        where: { AND: [where, { id: range }] },
        orderBy: { id: order },
        take,
      }),
  });
  return { ...result, data: result.data.map(toSuggestion) };
}

/**
 * Takes the oldest open suggestion whose lease ran out and marks it expired,
 * in one statement, so that two processes never take the same one.
 */
export async function claimExpiredSuggestion(
  db: Db,
  experimentId: string,
): Promise<SuggestionRecord | null> {
  const ids = await db.$queryRaw<Array<{ id: bigint }>>`
    UPDATE suggestions SET state = 'expired', open_key = NULL, updated_at = now()
    WHERE id = (
      SELECT id FROM suggestions
      WHERE experiment_id = ${toId(experimentId)} AND state = 'open' AND NOT deleted
        AND lease_expires_at < now()
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  const [claimed] = ids;
  if (!claimed) return null;
  const row = await db.suggestion.findUnique({ where: { id: claimed.id } });
  return row ? toSuggestion(row) : null;
}

/** Extends an open suggestion's lease; null when it is not open. */
export async function renewLease(
  db: Db,
  id: string,
  seconds: number,
): Promise<SuggestionRecord | null> {
  const result = await db.suggestion.updateMany({
    where: { id: toId(id), state: 'open', deleted: false },
    data: { leaseExpiresAt: new Date(Date.now() + seconds * 1000), updatedAt: new Date() },
  });
  if (result.count === 0) return null;
  const row = await db.suggestion.findUnique({ where: { id: toId(id) } });
  return row ? toSuggestion(row) : null;
}

export async function updateSuggestionMetadata(
  db: Db,
  id: string,
  metadata: Metadata | null,
): Promise<SuggestionRecord> {
  const row = await db.suggestion.update({
    where: { id: toId(id) },
    data: { metadata: jsonOrNull(metadata), updatedAt: new Date() },
  });
  return toSuggestion(row);
}

/** Closes every suggestion of the list: observations now cite them. */
export async function closeSuggestions(db: Db, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.suggestion.updateMany({
    where: { id: { in: ids.map(toId) } },
    data: { state: 'closed', openKey: null, updatedAt: new Date() },
  });
}

/** Soft-deletes suggestions; with `openOnly`, only the open ones. Returns how many. */
export async function deleteSuggestions(
  db: Db,
  experimentId: string,
  options: { id?: string; openOnly: boolean },
): Promise<number> {
  const result = await db.suggestion.updateMany({
    where: {
      experimentId: toId(experimentId),
      deleted: false,
      ...(options.id === undefined ? {} : { id: toId(options.id) }),
      ...(options.openOnly ? { state: 'open' as const } : {}),
    },
    data: { deleted: true, openKey: null, updatedAt: new Date() },
  });
  return result.count;
}

export interface NewQueuedSuggestion {
  experimentId: string;
  assignments: Assignments;
  metadata: Metadata | null;
}

export async function createQueuedSuggestion(
  db: Db,
  input: NewQueuedSuggestion,
): Promise<QueuedSuggestionRecord> {
  const row = await db.queuedSuggestion.create({
    data: {
      experimentId: toId(input.experimentId),
      assignments: input.assignments,
      metadata: jsonOrNull(input.metadata),
    },
  });
  return toQueuedSuggestion(row);
}

const waiting = (experimentId: string) => ({
  experimentId: toId(experimentId),
  consumedAt: null,
  deletedAt: null,
});

export async function findQueuedSuggestion(
  db: Db,
  experimentId: string,
  id: string,
): Promise<QueuedSuggestionRecord | null> {
  const row = await db.queuedSuggestion.findFirst({
    where: { ...waiting(experimentId), id: toId(id) },
  });
  return row ? toQueuedSuggestion(row) : null;
}

export async function listQueuedSuggestions(
  db: Db,
  experimentId: string,
  page: PageRequest,
): Promise<Page<QueuedSuggestionRecord>> {
  const where = waiting(experimentId);
  const result = await paginate(page, {
    count: () => db.queuedSuggestion.count({ where }),
    find: (range, order, take) =>
      db.queuedSuggestion.findMany({
        where: { ...where, id: range },
        orderBy: { id: order },
        take,
      }),
  });
  return { ...result, data: result.data.map(toQueuedSuggestion) };
}

/** Takes the oldest waiting queued suggestion, if any, in one statement. */
export async function takeQueuedSuggestion(
  db: Db,
  experimentId: string,
): Promise<QueuedSuggestionRecord | null> {
  const ids = await db.$queryRaw<Array<{ id: bigint }>>`
    UPDATE queued_suggestions SET consumed_at = now()
    WHERE id = (
      SELECT id FROM queued_suggestions
      WHERE experiment_id = ${toId(experimentId)} AND consumed_at IS NULL AND deleted_at IS NULL
      ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  const [taken] = ids;
  if (!taken) return null;
  const row = await db.queuedSuggestion.findUnique({ where: { id: taken.id } });
  return row ? toQueuedSuggestion(row) : null;
}

export async function deleteQueuedSuggestion(db: Db, id: string): Promise<void> {
  await db.queuedSuggestion.update({ where: { id: toId(id) }, data: { deletedAt: new Date() } });
}

/**
 * What the optimizer needs of the suggestions, in one statement: the points
 * pending (open, lease still running), oldest first, and how many suggestions
 * the experiment ever had (a seed that moves with every call).
 */
export async function readPending(
  sql: Sql,
  experimentId: string,
): Promise<{ pending: Assignments[]; serial: number }> {
  const [row] = await sql.query<{ pending: Assignments[]; serial: number }>(
    `SELECT (SELECT count(*)::int FROM suggestions WHERE experiment_id = $1) AS serial,
            COALESCE((SELECT json_agg(assignments ORDER BY id) FROM suggestions
                       WHERE experiment_id = $1 AND state = 'open' AND NOT deleted
                         AND (lease_expires_at IS NULL OR lease_expires_at > now())), '[]') AS pending`,
    [experimentId],
    'read-pending',
  );
  return row ?? { pending: [], serial: 0 };
}
