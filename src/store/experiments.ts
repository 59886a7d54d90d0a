import type { ExperimentDef, ExperimentState, Metadata, ParameterDef } from '../domain/types.ts';
import type { NewMetric } from '../domain/metrics.ts';
import {
  byName,
  type MetricColumns,
  type ParameterColumns,
  toExperiment,
  toMetric,
  toParameter,
} from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, Prisma, toId } from './prisma.ts';
import { dropPool } from './pool.ts';
import type { Sql } from './sql.ts';

/** An experiment before it is stored: the record less what the database assigns. */
export type NewExperiment = Omit<
  ExperimentDef,
  'id' | 'state' | 'created' | 'updated' | 'revision' | 'metrics'
> & {
  metrics: NewMetric[];
};

const withSpace = { parameters: true, metrics: true } as const;

function parameterRow(parameter: ParameterDef, position: number) {
  return {
    position,
    name: parameter.name,
    type: parameter.type,
    boundsMin: parameter.bounds?.min ?? parameter.grid?.[0] ?? null,
    boundsMax: parameter.bounds?.max ?? parameter.grid?.at(-1) ?? null,
    categoricalValues: parameter.categoricalValues ?? [],
    grid: parameter.grid ?? [],
    logScale: parameter.log,
    defaultValue: jsonOrNull(parameter.defaultValue),
    precision: parameter.precision,
  };
}

export async function createExperiment(db: Db, input: NewExperiment): Promise<ExperimentDef> {
  const row = await db.experiment.create({
    data: {
      clientId: toId(input.clientId),
      name: input.name,
      type: input.type,
      development: input.development,
      observationBudget: input.observationBudget,
      parallelBandwidth: input.parallelBandwidth,
      numSolutions: input.numSolutions,
      leaseSeconds: input.leaseSeconds,
      metadata: jsonOrNull(input.metadata),
      parameters: { create: input.parameters.map(parameterRow) },
      metrics: {
        create: input.metrics.map((metric, position) => ({ ...metric, position })),
      },
    },
    include: withSpace,
  });
  return toExperiment(row);
}

/** The experiment, if it exists and belongs to the client. */
export async function findExperiment(
  db: Db,
  clientId: string,
  id: string,
): Promise<ExperimentDef | null> {
  const row = await db.experiment.findFirst({
    where: { id: toId(id), clientId: toId(clientId) },
    include: withSpace,
  });
  return row ? toExperiment(row) : null;
}

export interface ExperimentFilter {
  state: ExperimentState | 'all';
  search: string | null;
}

export async function listExperiments(
  db: Db,
  clientId: string,
  filter: ExperimentFilter,
  page: PageRequest,
): Promise<Page<ExperimentDef>> {
  const where: Prisma.ExperimentWhereInput = {
    clientId: toId(clientId),
    ...(filter.state === 'all' ? {} : { state: filter.state }),
    ...(filter.search ? { name: { contains: filter.search, mode: 'insensitive' } } : {}),
  };
  const result = await paginate(page, {
    count: () => db.experiment.count({ where }),
    find: (range, order, take) =>
      db.experiment.findMany({
        where: { ...where, id: range },
        orderBy: { id: order },
        take,
        include: withSpace,
      }),
  });
  return { ...result, data: result.data.map(toExperiment) };
}

export interface ExperimentPatch {
  name?: string;
  metadata?: Metadata | null;
  observationBudget?: number | null;
  parallelBandwidth?: number | null;
  leaseSeconds?: number | null;
  state?: ExperimentState;
  /** New thresholds by metric id. */
  thresholds?: Map<string, number | null>;
  /** The whole new parameter list. */
  parameters?: ParameterDef[];
}

/** Applies a checked patch; the caller holds a transaction. */
export async function updateExperiment(
  db: Db,
  experiment: ExperimentDef,
  patch: ExperimentPatch,
): Promise<void> {
  const id = toId(experiment.id);
  await db.experiment.update({
    where: { id },
    data: {
      ...(patch.name === undefined ? {} : { name: patch.name }),
      ...(patch.metadata === undefined ? {} : { metadata: jsonOrNull(patch.metadata) }),
      ...(patch.observationBudget === undefined
        ? {}
        : { observationBudget: patch.observationBudget }),
      ...(patch.parallelBandwidth === undefined
        ? {}
        : { parallelBandwidth: patch.parallelBandwidth }),
      ...(patch.leaseSeconds === undefined ? {} : { leaseSeconds: patch.leaseSeconds }),
      ...(patch.state === undefined ? {} : { state: patch.state }),
      updatedAt: new Date(),
      revision: { increment: 1 },
    },
  });
  // The pool was chosen for the old definition (its space, metrics, bandwidth).
  await dropPool(db, experiment.id);
  for (const [metricId, threshold] of patch.thresholds ?? []) {
    await db.metric.update({ where: { id: toId(metricId) }, data: { threshold } });
  }
  if (patch.parameters) {
    await db.parameter.deleteMany({ where: { experimentId: id } });
    await db.parameter.createMany({
      data: patch.parameters.map((parameter, position) => ({
        ...parameterRow(parameter, position),
        experimentId: id,
      })),
    });
  }
}

/** Marks the experiment as changed: `updated` moves on every observation write. */
export async function touchExperiment(db: Db, id: string): Promise<void> {
  await db.experiment.update({ where: { id: toId(id) }, data: { updatedAt: new Date() } });
}

/**
 * Serializes writers of one experiment's suggestions and observations across
 * processes for the rest of the transaction. Answers the definition's
 * revision as it stands under the lock (null when there is no such row), so
 * that a write checked against an earlier read can tell it is out of date.
 */
export async function lockExperiment(db: Db, id: string): Promise<number | null> {
  const rows = await db.$queryRaw<Array<{ revision: number }>>`
    SELECT revision FROM experiments WHERE id = ${toId(id)} FOR UPDATE`;
  return rows[0]?.revision ?? null;
}

type ExperimentSqlRow = Omit<ExperimentDef, 'parameters' | 'metrics' | 'metadata'> & {
  metadata: unknown;
  parameters: ParameterColumns[];
  metrics: MetricColumns[];
};

// The experiment with its space in one statement: the request path's lookup.
const experimentSql = `
  SELECT e.id::text AS id, e.client_id::text AS "clientId", e.name, e.type::text AS type,
         e.state::text AS state, e.development, e.observation_budget AS "observationBudget",
         e.parallel_bandwidth AS "parallelBandwidth", e.num_solutions AS "numSolutions",
         e.suggestion_lease_seconds AS "leaseSeconds", e.metadata, e.created_at AS created,
         e.updated_at AS updated, e.revision,
         COALESCE((SELECT json_agg(json_build_object(
                    'name', p.name, 'type', p.type, 'boundsMin', p.bounds_min,
                    'boundsMax', p.bounds_max, 'categoricalValues', p.categorical_values,
                    'grid', p.grid, 'logScale', p.log_scale, 'defaultValue', p.default_value,
                    'precision', p.precision) ORDER BY p.position)
                   FROM parameters p WHERE p.experiment_id = e.id), '[]') AS parameters,
         COALESCE((SELECT json_agg(json_build_object(
                    'id', m.id::text, 'name', m.name, 'objective', m.objective,
                    'strategy', m.strategy, 'threshold', m.threshold))
                   FROM metrics m WHERE m.experiment_id = e.id), '[]') AS metrics
    FROM experiments e
   WHERE e.id = $1`;

/** The experiment by id, read with plain SQL; the caller checks the client. */
export async function readExperiment(sql: Sql, id: string): Promise<ExperimentDef | null> {
  const [row] = await sql.query<ExperimentSqlRow>(experimentSql, [id], 'read-experiment');
  if (!row) return null;
  const { parameters, metrics, metadata, ...fields } = row;
  return {
    ...fields,
    metadata: (metadata ?? null) as Metadata | null,
    parameters: parameters.map(toParameter),
    metrics: metrics.map(toMetric).sort(byName),
  };
}
