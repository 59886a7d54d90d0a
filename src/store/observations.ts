import type {
  Assignments,
  Metadata,
  MetricValue,
  ModelObservation,
  ObservationRecord,
} from '../domain/types.ts';
import { toObservation } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

export interface NewObservation {
  experimentId: string;
  suggestionId: string | null;
  /** Null takes the cited suggestion's. */
  assignments: Assignments | null;
  failed: boolean;
  metadata: Metadata | null;
  values: MetricValue[];
}

const withValues = { values: true } as const;

const valueRows = (values: MetricValue[]) =>
  values.map((value) => ({
    metricId: toId(value.metricId),
    value: value.value,
    valueStddev: value.valueStddev,
  }));

const live = (experimentId: string) => ({ experimentId: toId(experimentId), deletedAt: null });

export async function findObservation(
  db: Db,
  experimentId: string,
  id: string,
): Promise<ObservationRecord | null> {
  const row = await db.observation.findFirst({
    where: { ...live(experimentId), id: toId(id) },
    include: withValues,
  });
  return row ? toObservation(row) : null;
}

export async function listObservations(
  db: Db,
  experimentId: string,
  page: PageRequest,
): Promise<Page<ObservationRecord>> {
  const where = live(experimentId);
  const result = await paginate(page, {
    count: () => db.observation.count({ where }),
    find: (range, order, take) =>
      db.observation.findMany({
        where: { ...where, id: range },
        orderBy: { id: order },
        take,
        include: withValues,
      }),
  });
  return { ...result, data: result.data.map(toObservation) };
}

/** The first and the last live observation, for an experiment's progress. */
export async function observationEnds(db: Db, experimentId: string) {
  const where = live(experimentId);
  const [first, last] = await Promise.all([
    db.observation.findFirst({ where, orderBy: { id: 'asc' }, include: withValues }),
    db.observation.findFirst({ where, orderBy: { id: 'desc' }, include: withValues }),
  ]);
  return { first: first ? toObservation(first) : null, last: last ? toObservation(last) : null };
}

/** The successful observation with the best value of one metric; ties go to the earliest. */
export async function bestObservationOf(
  db: Db,
  experimentId: string,
  metric: { id: string; objective: 'maximize' | 'minimize' },
): Promise<ObservationRecord | null> {
  const row = await db.observationValue.findFirst({
    where: { metricId: toId(metric.id), observation: { ...live(experimentId), failed: false } },
    orderBy: [
      { value: metric.objective === 'maximize' ? 'desc' : 'asc' },
      { observationId: 'asc' },
    ],
    include: { observation: { include: withValues } },
  });
  return row ? toObservation(row.observation) : null;
}

export async function countObservations(db: Db, experimentId: string): Promise<number> {
  return db.observation.count({ where: live(experimentId) });
}

export async function replaceObservation(
  db: Db,
  observation: ObservationRecord,
): Promise<ObservationRecord> {
  const id = toId(observation.id);
  await db.observationValue.deleteMany({ where: { observationId: id } });
  const row = await db.observation.update({
    where: { id },
    data: {
      suggestionId: observation.suggestionId === null ? null : toId(observation.suggestionId),
      assignments: observation.assignments,
      failed: observation.failed,
      metadata: jsonOrNull(observation.metadata),
      updatedAt: new Date(),
      values: { create: valueRows(observation.values) },
    },
    include: withValues,
  });
  return toObservation(row);
}

/** Soft-deletes one observation, or all of the experiment's when no id is given. */
export async function deleteObservations(
  db: Db,
  experimentId: string,
  id?: string,
): Promise<number> {
  const result = await db.observation.updateMany({
    where: { ...live(experimentId), ...(id === undefined ? {} : { id: toId(id) }) },
    data: { deletedAt: new Date() },
  });
  return result.count;
}

// Observations, their values and the closing of their suggestions in one
// statement, for the routes every worker calls. A cited suggestion gives its
// assignments. The ids come from the sequence before the rows are written, so
// each input keeps its own id whatever order the database writes in. Nothing
// is written when the experiment is no longer at the revision the caller
// checked the input against, or when a cited suggestion does not exist; the
// last rows of the answer say which.
const insertSql = `
  WITH current AS (
    SELECT id FROM experiments WHERE id = $1 AND revision = $2 AND state = 'active'
  ), items AS (
    SELECT item.n, item.x, (item.x ->> 'suggestion')::bigint AS suggestion_id
      FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS item(x, n)
  ), looked AS (
    -- One lookup by key an item: a join here becomes a scan of the
    -- experiment's suggestions once the planner expects many items.
    SELECT items.n, (SELECT s.assignments FROM suggestions s
                      WHERE s.id = items.suggestion_id AND s.experiment_id = $1) AS assignments
      FROM items WHERE items.suggestion_id IS NOT NULL
  ), cited AS (
    SELECT n, assignments FROM looked WHERE assignments IS NOT NULL
  ), missing AS (
    SELECT n FROM looked WHERE assignments IS NULL
  ), input AS (
    SELECT nextval(pg_get_serial_sequence('observations', 'id')) AS id, items.n,
           items.suggestion_id, COALESCE(cited.assignments, items.x -> 'assignments') AS assignments,
           (items.x ->> 'failed')::boolean AS failed, NULLIF(items.x -> 'metadata', 'null') AS metadata,
           items.x -> 'values' AS vals
      FROM current, items LEFT JOIN cited ON cited.n = items.n
     WHERE NOT EXISTS (SELECT 1 FROM missing)
  ), written AS (
    INSERT INTO observations (id, experiment_id, suggestion_id, assignments, failed, metadata)
    SELECT id, $1, suggestion_id, assignments, failed, metadata FROM input
    RETURNING id, created_at
  ), vals AS (
    INSERT INTO observation_values (observation_id, metric_id, value, value_stddev)
    SELECT input.id, (v ->> 'metric')::bigint, (v ->> 'value')::float8, (v ->> 'stddev')::float8
      FROM input, jsonb_array_elements(input.vals) AS v
  ), closed AS (
    UPDATE suggestions SET state = 'closed', open_key = NULL, updated_at = now()
     WHERE experiment_id = $1
       AND id = ANY (ARRAY(SELECT suggestion_id FROM input WHERE suggestion_id IS NOT NULL))
  )
  SELECT 'written' AS kind, input.n::int AS n, written.id::text AS id,
         written.created_at AS created, input.assignments
    FROM written JOIN input ON input.id = written.id
  UNION ALL
  SELECT 'missing', n::int, NULL, NULL, NULL FROM missing
  UNION ALL
  SELECT 'stale', 0, NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM current)
  ORDER BY n`;

export type InsertOutcome =
  | { kind: 'written'; observations: ObservationRecord[] }
  /** The experiment is no longer at the revision given. */
  | { kind: 'stale' }
  /** The input at `index` cites a suggestion the experiment does not have. */
  | { kind: 'missing'; index: number };

interface InsertRow {
  kind: 'written' | 'missing' | 'stale';
  n: number;
  id: string | null;
  created: Date | null;
  assignments: Assignments | null;
}

/** Writes the observations, all or none. */
export async function insertObservations(
  sql: Sql,
  experiment: { id: string; revision: number },
  inputs: NewObservation[],
): Promise<InsertOutcome> {
  const items = inputs.map((input) => ({
    suggestion: input.suggestionId,
    assignments: input.assignments,
    failed: input.failed,
    metadata: input.metadata,
    values: input.values.map((v) => ({
      metric: v.metricId,
      value: v.value,
      stddev: v.valueStddev,
    })),
  }));
  // Planned on every call, not prepared: a plan made while the tables were
  // small (seq scans are cheapest there) would stay with the connection for
  // good where nothing analyzes the tables (autovacuum off, PGlite), and the
  // statement would read every suggestion of the database on each report.
  const rows = await sql.query<InsertRow>(
    insertSql,
    [experiment.id, experiment.revision, JSON.stringify(items)],
    'insert-observations',
    { prepare: false },
  );
  if (rows.some((row) => row.kind === 'stale')) return { kind: 'stale' };
  const missing = rows.find((row) => row.kind === 'missing');
  if (missing) return { kind: 'missing', index: missing.n - 1 };
  if (rows.length !== inputs.length) throw new Error('the observations were not all stored');
  const observations = rows.map((row, index) => {
    const { suggestionId, failed, metadata, values } = inputs[index] as NewObservation;
    return {
      id: row.id as string,
      experimentId: experiment.id,
      created: row.created as Date,
      suggestionId,
      assignments: row.assignments ?? {},
      failed,
      metadata,
      values,
    };
  });
  return { kind: 'written', observations };
}

/**
 * What the optimizer knows of an experiment's live observations: each one's
 * id, assignments, failure and values, oldest first, and a stamp of them
 * (how many, the sum of their ids and of their update times) by which the
 * next refresh tells whether any of them changed.
 */
export interface ObservationSnapshot {
  rows: ModelObservation[];
  /** The newest id among them ('0' for none). */
  through: string;
  count: number;
  /** Exact sums, as decimal text. */
  idSum: string;
  updateSum: string;
}

// One statement, so that the stamp and the rows come from the same snapshot
// of the database. The rows are those after `through`, or all of them when
// the ones up to `through` are no longer as stamped: one deleted, replaced
// (its update time moved) or committed late with a smaller id than one read
// before (ids are drawn before commit). Metadata and times stay out: the
// request loop would spend time parsing them at thousands of rows.
const snapshotSql = `
  WITH live AS (
    SELECT id, assignments, failed, updated_at FROM observations
     WHERE experiment_id = $1 AND deleted_at IS NULL
  ), known AS (
    SELECT count(*)::int = $3::int AND coalesce(sum(id), 0) = $4::numeric
           AND coalesce(sum(extract(epoch FROM updated_at)), 0) = $5::numeric AS same
      FROM live WHERE id <= $2::bigint
  )
  SELECT (SELECT same FROM known) AS same,
         (SELECT count(*)::int FROM live) AS count,
         (SELECT coalesce(max(id), 0)::text FROM live) AS through,
         (SELECT coalesce(sum(id), 0)::text FROM live) AS "idSum",
         (SELECT coalesce(sum(extract(epoch FROM updated_at)), 0)::text FROM live) AS "updateSum",
         (SELECT coalesce(json_agg(json_build_array(l.id::text, l.assignments, l.failed,
                   coalesce((SELECT json_agg(json_build_array(v.metric_id::text, v.value, v.value_stddev))
                               FROM observation_values v WHERE v.observation_id = l.id), '[]'))
                   ORDER BY l.id), '[]')::text
            FROM live l WHERE l.id > $2::bigint OR NOT (SELECT same FROM known)) AS rows`;

type SnapshotRow = [string, Assignments, boolean, Array<[string, number, number | null]>];

/**
 * The experiment's live observations for the optimizer, reading only those
 * after `known` when nothing `known` holds has changed since (null: all).
 */
export async function readObservationSnapshot(
  sql: Sql,
  experimentId: string,
  known: ObservationSnapshot | null,
): Promise<ObservationSnapshot> {
  const [row] = await sql.query<{
    same: boolean;
    count: number;
    through: string;
    idSum: string;
    updateSum: string;
    rows: string;
  }>(
    snapshotSql,
    known
      ? [experimentId, known.through, known.count, known.idSum, known.updateSum]
      : [experimentId, '0', -1, '0', '0'],
    'read-observation-snapshot',
    // Once a refresh: planning it every time costs little, and a plan made on
    // an empty database could scan every experiment's observations.
    { prepare: false },
  );
  if (!row) throw new Error('the observations were not read');
  const read = (JSON.parse(row.rows) as SnapshotRow[]).map(
    ([id, assignments, failed, values]): ModelObservation => ({
      id,
      assignments,
      failed,
      values: values.map(([metricId, value, valueStddev]) => ({ metricId, value, valueStddev })),
    }),
  );
  const rows = known && row.same ? known.rows.concat(read) : read;
  // A stamp that matched by chance would show here; then read them all.
  if (rows.length !== row.count) {
    if (known) return readObservationSnapshot(sql, experimentId, null);
    throw new Error('the observations read do not match their count');
  }
  return {
    rows,
    through: row.through,
    count: row.count,
    idSum: row.idSum,
    updateSum: row.updateSum,
  };
}

/**
 * Every live observation of the experiment, oldest first, in one plain-SQL
 * statement (values as JSON): the optimizer reads them all on every refresh,
 * and best assignments with constraints need them all too.
 */
export async function readObservations(
  sql: Sql,
  experimentId: string,
): Promise<ObservationRecord[]> {
  const rows = await sql.query<
    Omit<ObservationRecord, 'values'> & {
      values: Array<{ m: string; v: number; s: number | null }>;
    }
  >(
    `SELECT o.id::text AS id, o.experiment_id::text AS "experimentId",
            o.suggestion_id::text AS "suggestionId", o.assignments, o.failed, o.metadata,
            o.created_at AS created,
            COALESCE((SELECT json_agg(json_build_object('m', v.metric_id::text, 'v', v.value,
                                                        's', v.value_stddev))
                        FROM observation_values v WHERE v.observation_id = o.id), '[]') AS values
       FROM observations o
      WHERE o.experiment_id = $1 AND o.deleted_at IS NULL
      ORDER BY o.id`,
    [experimentId],
  );
  return rows.map((row) => ({
    ...row,
    metadata: row.metadata ?? null,
    values: row.values.map((value) => ({
      metricId: value.m,
      value: value.v,
      valueStddev: value.s,
    })),
  }));
}
