import { currentAssignments } from '../domain/space.ts';
import type {
  ClientRecord,
  ExperimentDef,
  MetricDef,
  ObservationRecord,
  ParameterDef,
  QueuedSuggestionRecord,
  SuggestionRecord,
  TokenRecord,
} from '../domain/types.ts';
import type { Page } from '../store/pagination.ts';

// The service's records as SigOpt's wire objects: string ids, epoch seconds,
// null for absent optional fields.

export const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

export function parameterObject(parameter: ParameterDef) {
  return {
    object: 'parameter' as const,
    name: parameter.name,
    type: parameter.type,
    bounds: parameter.bounds ? { object: 'bounds' as const, ...parameter.bounds } : null,
    categorical_values:
      parameter.categoricalValues?.map((name, index) => ({
        object: 'categorical_value' as const,
        name,
        enum_index: index + 1,
      })) ?? null,
    ...(parameter.grid ? { grid: parameter.grid } : {}),
    transformation: parameter.log ? ('log' as const) : null,
    prior: null,
    default_value: parameter.defaultValue,
    conditions: {},
    precision: parameter.precision,
  };
}

export function metricObject(metric: MetricDef) {
  return {
    object: 'metric' as const,
    name: metric.name,
    objective: metric.objective,
    strategy: metric.strategy,
    threshold: metric.threshold,
  };
}

function valuesOf(experiment: ExperimentDef, observation: ObservationRecord) {
  return experiment.metrics.flatMap((metric) => {
    const entry = observation.values.find((value) => value.metricId === metric.id);
    if (!entry) return [];
    return [
      {
        object: 'metric_evaluation' as const,
        name: metric.name,
        value: entry.value,
        value_stddev: entry.valueStddev,
      },
    ];
  });
}

export function observationObject(experiment: ExperimentDef, observation: ObservationRecord) {
  const values = valuesOf(experiment, observation);
  const legacy =
    experiment.metrics.length === 1
      ? { value: values[0]?.value ?? null, value_stddev: values[0]?.value_stddev ?? null }
      : {};
  return {
    object: 'observation' as const,
    id: observation.id,
    experiment: observation.experimentId,
    suggestion: observation.suggestionId,
    assignments: currentAssignments(experiment.parameters, observation.assignments),
    values,
    failed: observation.failed,
    metadata: observation.metadata,
    created: seconds(observation.created),
    task: null,
    ...legacy,
  };
}

export function suggestionObject(experiment: ExperimentDef, suggestion: SuggestionRecord) {
  return {
    object: 'suggestion' as const,
    id: suggestion.id,
    experiment: suggestion.experimentId,
    assignments: currentAssignments(experiment.parameters, suggestion.assignments),
    state: suggestion.state,
    metadata: suggestion.metadata,
    created: seconds(suggestion.created),
    deleted: suggestion.deleted,
    task: null,
    lease_expires: suggestion.leaseExpires ? seconds(suggestion.leaseExpires) : null,
    attempt: suggestion.attempt,
    retry_of: suggestion.retryOf,
  };
}

export function queuedSuggestionObject(experiment: ExperimentDef, queued: QueuedSuggestionRecord) {
  return {
    object: 'queued_suggestion' as const,
    id: queued.id,
    experiment: queued.experimentId,
    assignments: currentAssignments(experiment.parameters, queued.assignments),
    metadata: queued.metadata,
    created: seconds(queued.created),
    task: null,
  };
}

export function bestAssignmentsObject(experiment: ExperimentDef, observation: ObservationRecord) {
  return {
    object: 'best_assignments' as const,
    id: observation.id,
    assignments: currentAssignments(experiment.parameters, observation.assignments),
    values: valuesOf(experiment, observation),
    metadata: observation.metadata,
    task: null,
  };
}

export interface ProgressFacts {
  count: number;
  first: ObservationRecord | null;
  last: ObservationRecord | null;
  /** The best observation; null without one, or with more than one optimized metric. */
  best: ObservationRecord | null;
}

export function progressObject(experiment: ExperimentDef, facts: ProgressFacts) {
  const { best } = facts;
  const shown = (observation: ObservationRecord | null) =>
    observation ? observationObject(experiment, observation) : null;
  return {
    object: 'progress' as const,
    observation_count: facts.count,
    observation_budget_consumed: facts.count,
    first_observation: shown(facts.first),
    last_observation: shown(facts.last),
    best_observation: shown(best),
  };
}

export function experimentObject(experiment: ExperimentDef, facts: ProgressFacts) {
  return {
    object: 'experiment' as const,
    id: experiment.id,
    name: experiment.name,
    type: experiment.type,
    parameters: experiment.parameters.map(parameterObject),
    metrics: experiment.metrics.map(metricObject),
    conditionals: [],
    linear_constraints: [],
    tasks: null,
    observation_budget: experiment.observationBudget,
    parallel_bandwidth: experiment.parallelBandwidth,
    num_solutions: experiment.numSolutions,
    suggestion_lease_seconds: experiment.leaseSeconds,
    metadata: experiment.metadata,
    state: experiment.state,
    development: experiment.development,
    progress: progressObject(experiment, facts),
    client: experiment.clientId,
    project: null,
    created: seconds(experiment.created),
    updated: seconds(lastChange(experiment, facts)),
  };
}

/**
 * `updated` moves on every observation write. Creating one leaves the
 * experiment row alone (many workers would queue on its lock), so the newest
 * observation's time counts too; edits and deletions move the row itself.
 */
function lastChange(experiment: ExperimentDef, facts: ProgressFacts): Date {
  const observed = facts.last?.created;
  return observed !== undefined && observed > experiment.updated ? observed : experiment.updated;
}

export function pageObject<T, U>(page: Page<T>, map: (item: T) => U) {
  return {
    object: 'pagination' as const,
    count: page.count,
    data: page.data.map(map),
    paging: { before: page.before, after: page.after },
  };
}

export function clientObject(client: ClientRecord) {
  return {
    object: 'client' as const,
    id: client.id,
    name: client.name,
    created: seconds(client.created),
  };
}

export function tokenObject(token: TokenRecord, value: string | null) {
  return {
    object: 'token' as const,
    id: token.id,
    token: value,
    hint: token.hint,
    client: token.clientId,
    development: token.development,
    permissions: token.admin ? ('admin' as const) : ('write' as const),
    expires: token.expires ? seconds(token.expires) : null,
    created: seconds(token.created),
    revoked: token.revoked !== null,
    experiment: null,
    user: null,
  };
}
