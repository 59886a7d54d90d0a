import type { ExperimentDef, ExperimentState, Metadata, ParameterDef } from '../domain/types.ts';
import type { NewMetric } from '../domain/metrics.ts';
import { toExperiment } from './convert.ts';
import { paginate, type Page, type PageRequest } from './pagination.ts';
import { type Db, jsonOrNull, Prisma, toId } from './prisma.ts';

/** An experiment before it is stored: the record less what the database assigns. */
export type NewExperiment = Omit<
  ExperimentDef,
  'id' | 'state' | 'created' | 'updated' | 'metrics'
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

/** The experiment by id alone, for background work that has no client at hand. */
export async function findExperimentById(db: Db, id: string): Promise<ExperimentDef | null> {
  const row = await db.experiment.findUnique({ where: { id: toId(id) }, include: withSpace });
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
    },
  });
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
 * processes for the rest of the transaction.
 */
export async function lockExperiment(db: Db, id: string): Promise<void> {
  await db.$executeRaw`SELECT id FROM experiments WHERE id = ${toId(id)} FOR UPDATE`;
}
