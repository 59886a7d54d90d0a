import { z } from 'zod';
import { bodyBoolean, id, metadata, pageQuery, timestamp } from '../schemas.ts';

// The experiment on the wire: what a create or update may send, and what
// every answer shows.

const name = z.string().min(1).max(100);

const boundsInput = z.strictObject({
  object: z.literal('bounds').optional(),
  min: z.number(),
  max: z.number(),
});

const categoryInput = z.union([
  z.string().min(1).max(50),
  z.strictObject({
    object: z.literal('categorical_value').optional(),
    name: z.string().min(1).max(50),
    enum_index: z.int().optional(),
  }),
]);

export const parameterInput = z
  .strictObject({
    object: z.literal('parameter').optional(),
    name,
    type: z.enum(['double', 'int', 'categorical']),
    bounds: boundsInput.nullish(),
    categorical_values: z.array(categoryInput).max(1000).nullish(),
    grid: z.array(z.number()).max(10_000).nullish(),
    transformation: z.enum(['log', 'none']).nullish(),
    default_value: z.union([z.number(), z.string().max(50)]).nullish(),
    precision: z.int().min(0).max(20).nullish(),
    prior: z.record(z.string(), z.unknown()).nullish(),
    conditions: z.record(z.string(), z.unknown()).nullish(),
    tunable: z.boolean().optional(),
  })
  .meta({
    id: 'ParameterCreate',
    example: {
      name: 'learning_rate',
      type: 'double',
      bounds: { min: 1e-5, max: 1 },
      transformation: 'log',
    },
  });

const metricInput = z.strictObject({
  object: z.literal('metric').optional(),
  name,
  objective: z.enum(['maximize', 'minimize']).nullish(),
  strategy: z.enum(['optimize', 'constraint', 'store']).nullish(),
  threshold: z.number().nullish(),
});

const leaseSeconds = z
  .int()
  .min(1)
  .max(7 * 86_400)
  .meta({
    description:
      'Opt-in leases: a suggestion not observed or renewed within this many seconds is offered again',
  });

const notYet = z.array(z.unknown()).max(1000).nullish();

export const experimentCreate = z
  .strictObject({
    name,
    type: z.enum(['offline', 'random', 'grid']).optional(),
    parameters: z.array(parameterInput).min(1).max(100),
    metrics: z
      .array(z.union([name, metricInput]))
      .min(1)
      .max(50)
      .optional(),
    observation_budget: z.int().min(1).max(1_000_000).nullish(),
    parallel_bandwidth: z.int().min(1).max(10_000).nullish(),
    num_solutions: z.int().min(1).max(1000).nullish(),
    suggestion_lease_seconds: leaseSeconds.nullish(),
    metadata: metadata.nullish(),
    conditionals: notYet,
    linear_constraints: notYet,
    tasks: notYet,
    project: z.string().max(100).nullish(),
  })
  .meta({
    id: 'ExperimentCreate',
    example: {
      name: 'Text CNN',
      parameters: [
        {
          name: 'learning_rate',
          type: 'double',
          bounds: { min: 1e-5, max: 1 },
          transformation: 'log',
        },
        { name: 'batch_size', type: 'int', bounds: { min: 10, max: 100 } },
        { name: 'optimizer', type: 'categorical', categorical_values: ['rmsprop', 'adam'] },
      ],
      metrics: [{ name: 'accuracy', objective: 'maximize' }],
      observation_budget: 60,
      parallel_bandwidth: 4,
    },
  });

export const experimentUpdate = z
  .strictObject({
    name: name.optional(),
    metadata: metadata.nullish(),
    observation_budget: z.int().min(1).max(1_000_000).nullish(),
    parallel_bandwidth: z.int().min(1).max(10_000).nullish(),
    suggestion_lease_seconds: leaseSeconds.nullish(),
    state: z.enum(['active', 'deleted']).optional(),
    metrics: z
      .array(metricInput.partial({ name: true }).extend({ name }))
      .max(50)
      .optional(),
    parameters: z.array(parameterInput).min(1).max(100).optional(),
    no_optimize: bodyBoolean.optional(),
  })
  .meta({
    id: 'ExperimentUpdate',
    example: { name: 'Text CNN, second run', observation_budget: 80 },
  });

export const experimentListQuery = z.object({
  ...pageQuery,
  state: z.enum(['active', 'deleted', 'all']).default('active'),
  search: z.string().max(100).optional(),
});

const bounds = z.object({ object: z.literal('bounds'), min: z.number(), max: z.number() });

export const parameterOutput = z
  .object({
    object: z.literal('parameter'),
    name: z.string(),
    type: z.enum(['double', 'int', 'categorical']),
    bounds: bounds.nullable(),
    categorical_values: z
      .array(
        z.object({ object: z.literal('categorical_value'), name: z.string(), enum_index: z.int() }),
      )
      .nullable(),
    grid: z.array(z.number()).optional(),
    transformation: z.literal('log').nullable(),
    prior: z.null(),
    default_value: z.union([z.number(), z.string()]).nullable(),
    conditions: z.object({}),
    precision: z.int().nullable(),
  })
  .meta({ id: 'Parameter' });

export const metricOutput = z
  .object({
    object: z.literal('metric'),
    name: z.string().nullable(),
    objective: z.enum(['maximize', 'minimize']),
    strategy: z.enum(['optimize', 'constraint', 'store']),
    threshold: z.number().nullable(),
  })
  .meta({ id: 'Metric' });

export const assignments = z.record(z.string(), z.union([z.number(), z.string()])).meta({
  id: 'Assignments',
  description: 'Parameter name to value: a number, or the category name',
  example: { learning_rate: 0.0031, batch_size: 64, optimizer: 'adam' },
});

export const metricEvaluation = z
  .object({
    object: z.literal('metric_evaluation'),
    name: z.string().nullable(),
    value: z.number(),
    value_stddev: z.number().nullable(),
  })
  .meta({ id: 'MetricEvaluation' });

export const observationOutput = z
  .object({
    object: z.literal('observation'),
    id,
    experiment: id,
    suggestion: id.nullable(),
    assignments,
    values: z.array(metricEvaluation),
    failed: z.boolean(),
    metadata: metadata.nullable(),
    created: timestamp,
    task: z.null(),
    value: z.number().nullable().optional(),
    value_stddev: z.number().nullable().optional(),
  })
  .meta({ id: 'Observation' });

export const progressOutput = z
  .object({
    object: z.literal('progress'),
    observation_count: z.int(),
    observation_budget_consumed: z.number(),
    first_observation: observationOutput.nullable(),
    last_observation: observationOutput.nullable(),
    best_observation: observationOutput.nullable(),
  })
  .meta({ id: 'Progress' });

export const experimentOutput = z
  .object({
    object: z.literal('experiment'),
    id,
    name: z.string(),
    type: z.enum(['offline', 'random', 'grid']),
    parameters: z.array(parameterOutput),
    metrics: z.array(metricOutput),
    conditionals: z.array(z.never()),
    linear_constraints: z.array(z.never()),
    tasks: z.null(),
    observation_budget: z.int().nullable(),
    parallel_bandwidth: z.int().nullable(),
    num_solutions: z.int().nullable(),
    suggestion_lease_seconds: z.int().nullable(),
    metadata: metadata.nullable(),
    state: z.enum(['active', 'deleted']),
    development: z.boolean(),
    progress: progressOutput,
    client: id,
    project: z.null(),
    created: timestamp,
    updated: timestamp,
  })
  .meta({ id: 'Experiment' });

export type ExperimentCreate = z.infer<typeof experimentCreate>;
export type ExperimentUpdate = z.infer<typeof experimentUpdate>;
