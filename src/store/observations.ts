import type { Assignments, Metadata, MetricValue, ObservationRecord } from '../domain/types.ts';
import { toObservation } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, toId } from './prisma.ts';
import type { Sql } from './sql.ts';

export interface NewObservation {
  experimentId: string;
  suggestionId: string | null;
  assignments: Assignments;
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

/** Every live observation of the experiment, oldest first. */
export async function allObservations(db: Db, experimentId: string): Promise<ObservationRecord[]> {
  const rows = await db.observation.findMany({
    where: live(experimentId),
    orderBy: { id: 'asc' },
    include: withValues,
  });
  return rows.map(toObservation);
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
// statement, for the routes every worker calls. The ids come from the
// sequence before the rows are written, so each input keeps its own id
// whatever order the database writes in. The first CTE is the guard: nothing
// is written unless the experiment is still at the revision the caller
// checked the input against.
const insertSql = `
  WITH current AS (
    SELECT id FROM experiments WHERE id = $1 AND revision = $2 AND state = 'active'
  ), input AS (
    SELECT nextval(pg_get_serial_sequence('observations', 'id')) AS id, item.n,
           (item.x ->> 'suggestion')::bigint AS suggestion_id, item.x -> 'assignments' AS assignments,
           (item.x ->> 'failed')::boolean AS failed, NULLIF(item.x -> 'metadata', 'null') AS metadata,
           item.x -> 'values' AS vals
      FROM current, jsonb_array_elements($3::jsonb) WITH ORDINALITY AS item(x, n)
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
     WHERE id IN (SELECT suggestion_id FROM input WHERE suggestion_id IS NOT NULL)
  )
  SELECT input.n::int AS n, written.id::text AS id, written.created_at AS created
    FROM written JOIN input ON input.id = written.id
   ORDER BY input.n`;

/**
 * Writes the observations; null when the experiment is no longer at
 * `revision` (changed or deleted meanwhile), and then nothing is written.
 */
export async function insertObservations(
  sql: Sql,
  experiment: { id: string; revision: number },
  inputs: NewObservation[],
): Promise<ObservationRecord[] | null> {
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
  const rows = await sql.query<{ n: number; id: string; created: Date }>(insertSql, [
    experiment.id,
    experiment.revision,
    JSON.stringify(items),
  ]);
  if (rows.length !== inputs.length) return null;
  return rows.map((row, index) => {
    const input = inputs[index] as NewObservation;
    const { suggestionId, assignments, failed, metadata, values } = input;
    return {
      id: row.id,
      experimentId: experiment.id,
      created: row.created,
      suggestionId,
      assignments,
      failed,
      metadata,
      values,
    };
  });
}

/**
 * Every live observation of the experiment, oldest first, in one plain-SQL
 * statement (values as JSON): the optimizer reads them all on every refresh.
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
