import { badRequest, unsupported } from '../../errors.ts';
import { budgetRequired, toMetricDefs } from '../../domain/metrics.ts';
import { checkSpaceForType, spaceSize, toParameterDefs } from '../../domain/space.ts';
import type { ExperimentDef, MetricDef, ParameterDef } from '../../domain/types.ts';
import type { ExperimentPatch, NewExperiment } from '../../store/experiments.ts';
import type { Auth } from '../auth.ts';
import type { ExperimentCreate, ExperimentUpdate } from './schemas.ts';

// Wire input to the service's experiment, checked against the contract's
// rules. Features that come later answer a 400 naming the field.

type ParameterInputs = ExperimentCreate['parameters'];

function rejectLaterFeatures(body: ExperimentCreate): void {
  if (body.conditionals && body.conditionals.length > 0) throw unsupported('conditionals');
  if (body.linear_constraints && body.linear_constraints.length > 0) {
    throw unsupported('linear_constraints');
  }
  if (body.tasks && body.tasks.length > 0) throw unsupported('tasks');
  if (body.project !== undefined && body.project !== null) throw unsupported('project');
  if ((body.num_solutions ?? 1) > 1) throw unsupported('num_solutions greater than 1');
  rejectLaterParameterFeatures(body.parameters);
}

function rejectLaterParameterFeatures(parameters: ParameterInputs): void {
  parameters.forEach((parameter, index) => {
    if (parameter.prior) throw unsupported(`parameters[${index}].prior`);
    if (parameter.conditions && Object.keys(parameter.conditions).length > 0) {
      throw unsupported(`parameters[${index}].conditions`);
    }
  });
}

function budgetFor(type: ExperimentDef['type'], parameters: ParameterDef[], given: number | null) {
  if (type !== 'grid') return given;
  return spaceSize(parameters);
}

export function newExperiment(body: ExperimentCreate, auth: Auth): NewExperiment {
  rejectLaterFeatures(body);
  const type = body.type ?? 'offline';
  const parameters = toParameterDefs(body.parameters);
  checkSpaceForType(parameters, type);
  const metrics = toMetricDefs(body.metrics);
  const budget = budgetFor(type, parameters, body.observation_budget ?? null);
  if (budget === null && budgetRequired(metrics)) {
    throw badRequest(
      'observation_budget is required for experiments with two optimized metrics or a constraint metric.',
    );
  }
  return {
    clientId: auth.client.id,
    name: body.name,
    type,
    development: auth.token.development,
    observationBudget: budget,
    parallelBandwidth: body.parallel_bandwidth ?? null,
    numSolutions: body.num_solutions ?? null,
    leaseSeconds: body.suggestion_lease_seconds ?? null,
    metadata: body.metadata ?? null,
    parameters,
    metrics,
  };
}

function thresholdChanges(
  experiment: ExperimentDef,
  inputs: NonNullable<ExperimentUpdate['metrics']>,
): { thresholds: Map<string, number | null>; metrics: MetricDef[] } {
  const thresholds = new Map<string, number | null>();
  const metrics = experiment.metrics.map((metric) => ({ ...metric }));
  inputs.forEach((input, index) => {
    const metric = metrics.find((candidate) => candidate.name === input.name);
    if (!metric)
      throw badRequest(
        `metrics[${index}].name: "${input.name}" is not a metric of this experiment.`,
      );
    if (input.objective && input.objective !== metric.objective) {
      throw badRequest(`metrics[${index}].objective cannot change; only threshold can.`);
    }
    if (input.strategy && input.strategy !== metric.strategy) {
      throw badRequest(`metrics[${index}].strategy cannot change; only threshold can.`);
    }
    if (input.threshold !== undefined) {
      metric.threshold = input.threshold;
      thresholds.set(metric.id, input.threshold);
    }
  });
  // The resulting list must still follow the creation rules.
  toMetricDefs(metrics.map((metric) => ({ ...metric, name: metric.name ?? '' })));
  return { thresholds, metrics };
}

function parameterChanges(experiment: ExperimentDef, inputs: ParameterInputs): ParameterDef[] {
  rejectLaterParameterFeatures(inputs);
  const parameters = toParameterDefs(inputs);
  parameters.forEach((parameter, index) => {
    const old = experiment.parameters.find((candidate) => candidate.name === parameter.name);
    if (old && old.type !== parameter.type) {
      throw badRequest(
        `parameters[${index}].type cannot change from ${old.type} to ${parameter.type}.`,
      );
    }
    if (!old && parameter.defaultValue === null) {
      throw badRequest(
        `parameters[${index}].default_value is required for a new parameter: it fills in older observations.`,
      );
    }
    if (old && parameter.defaultValue === null) parameter.defaultValue = old.defaultValue;
  });
  checkSpaceForType(parameters, experiment.type);
  return parameters;
}

export function experimentPatch(
  experiment: ExperimentDef,
  body: ExperimentUpdate,
): ExperimentPatch {
  const patch: ExperimentPatch = {};
  if (body.name !== undefined) patch.name = body.name;
  if (body.metadata !== undefined) patch.metadata = body.metadata;
  if (body.state !== undefined) patch.state = body.state;
  if (body.parallel_bandwidth !== undefined) patch.parallelBandwidth = body.parallel_bandwidth;
  if (body.suggestion_lease_seconds !== undefined) {
    patch.leaseSeconds = body.suggestion_lease_seconds;
  }
  let metrics = experiment.metrics;
  if (body.metrics) {
    const changes = thresholdChanges(experiment, body.metrics);
    patch.thresholds = changes.thresholds;
    metrics = changes.metrics;
  }
  if (body.parameters) patch.parameters = parameterChanges(experiment, body.parameters);
  if (body.observation_budget !== undefined) {
    const budget = body.observation_budget;
    if (budget === null && experiment.type !== 'grid' && budgetRequired(metrics)) {
      throw badRequest('observation_budget cannot be removed: this experiment requires one.');
    }
    patch.observationBudget = budget;
  }
  return patch;
}
