import type {
  Experiment,
  Metric,
  Observation,
  ObservationValue,
  Parameter,
  QueuedSuggestion,
  Suggestion,
} from './generated/client.ts';
import type {
  Assignments,
  AssignmentValue,
  ExperimentDef,
  Metadata,
  MetricDef,
  ObservationRecord,
  ParameterDef,
  QueuedSuggestionRecord,
  SuggestionRecord,
} from '../domain/types.ts';
import { fromId } from './prisma.ts';

// Rows to the service's records. JSON columns were written by the service
// from checked input, so their shapes are known.

const metadataOf = (value: unknown): Metadata | null => (value ?? null) as Metadata | null;
const assignmentsOf = (value: unknown): Assignments => (value ?? {}) as Assignments;

/** The columns a parameter's definition is read from (Prisma's row, or the same fields as JSON). */
export type ParameterColumns = Pick<
  Parameter,
  | 'name'
  | 'type'
  | 'boundsMin'
  | 'boundsMax'
  | 'categoricalValues'
  | 'grid'
  | 'logScale'
  | 'defaultValue'
  | 'precision'
>;

export type MetricColumns = Pick<Metric, 'name' | 'objective' | 'strategy' | 'threshold'> & {
  id: bigint | string;
};

export function toParameter(row: ParameterColumns): ParameterDef {
  const bounds =
    row.boundsMin !== null && row.boundsMax !== null && row.grid.length === 0
      ? { min: row.boundsMin, max: row.boundsMax }
      : null;
  return {
    name: row.name,
    type: row.type,
    bounds,
    categoricalValues: row.type === 'categorical' ? row.categoricalValues : null,
    grid: row.grid.length > 0 ? row.grid : null,
    log: row.logScale,
    defaultValue: (row.defaultValue ?? null) as AssignmentValue | null,
    precision: row.precision,
  };
}

export function toMetric(row: MetricColumns): MetricDef {
  return {
    id: String(row.id),
    name: row.name,
    objective: row.objective,
    strategy: row.strategy,
    threshold: row.threshold,
  };
}

export const byName = (a: MetricDef, b: MetricDef) => (a.name ?? '').localeCompare(b.name ?? '');

export function toExperiment(
  row: Experiment & { parameters: Parameter[]; metrics: Metric[] },
): ExperimentDef {
  return {
    id: fromId(row.id),
    clientId: fromId(row.clientId),
    name: row.name,
    type: row.type,
    state: row.state,
    development: row.development,
    observationBudget: row.observationBudget,
    parallelBandwidth: row.parallelBandwidth,
    numSolutions: row.numSolutions,
    leaseSeconds: row.leaseSeconds,
    metadata: metadataOf(row.metadata),
    parameters: [...row.parameters].sort((a, b) => a.position - b.position).map(toParameter),
    metrics: row.metrics.map(toMetric).sort(byName),
    created: row.createdAt,
    updated: row.updatedAt,
    revision: row.revision,
  };
}

export function toObservation(
  row: Observation & { values: ObservationValue[] },
): ObservationRecord {
  return {
    id: fromId(row.id),
    experimentId: fromId(row.experimentId),
    suggestionId: row.suggestionId === null ? null : fromId(row.suggestionId),
    assignments: assignmentsOf(row.assignments),
    failed: row.failed,
    metadata: metadataOf(row.metadata),
    values: row.values.map((value) => ({
      metricId: fromId(value.metricId),
      value: value.value,
      valueStddev: value.valueStddev,
    })),
    created: row.createdAt,
  };
}

export function toSuggestion(row: Suggestion): SuggestionRecord {
  return {
    id: fromId(row.id),
    experimentId: fromId(row.experimentId),
    assignments: assignmentsOf(row.assignments),
    state: row.state,
    deleted: row.deleted,
    metadata: metadataOf(row.metadata),
    created: row.createdAt,
    leaseExpires: row.leaseExpiresAt,
    attempt: row.attempt,
    retryOf: row.retryOfId === null ? null : fromId(row.retryOfId),
  };
}

export function toQueuedSuggestion(row: QueuedSuggestion): QueuedSuggestionRecord {
  return {
    id: fromId(row.id),
    experimentId: fromId(row.experimentId),
    assignments: assignmentsOf(row.assignments),
    metadata: metadataOf(row.metadata),
    created: row.createdAt,
  };
}
