import { z } from 'zod';
import { assignments, metricEvaluation } from '../experiments/schemas.ts';
import { assignmentsInput } from '../suggestions/schemas.ts';
import { bodyBoolean, id, idInput, metadata, queryBoolean } from '../schemas.ts';

const valueInput = z.strictObject({
  object: z.literal('metric_evaluation').optional(),
  name: z.string().max(100).nullish(),
  value: z.number(),
  value_stddev: z.number().min(0).nullish(),
});

const observationFields = {
  suggestion: idInput.nullish(),
  assignments: assignmentsInput.nullish(),
  values: z.array(valueInput).max(50).nullish(),
  value: z.number().nullish(),
  value_stddev: z.number().min(0).nullish(),
  failed: bodyBoolean.nullish(),
  metadata: metadata.nullish(),
  no_optimize: bodyBoolean.optional(),
  task: z.null().optional(),
};

export const observationCreate = z.strictObject(observationFields).meta({
  id: 'ObservationCreate',
  description: 'Exactly one of suggestion or assignments; values unless failed.',
  example: { suggestion: '12', values: [{ name: 'accuracy', value: 0.87, value_stddev: 0.01 }] },
});

export const observationUpdate = z.strictObject(observationFields).meta({
  id: 'ObservationUpdate',
  example: { metadata: { note: 'rerun with a fixed seed' } },
});

export const observationBatch = z
  .strictObject({
    observations: z.array(observationCreate).min(1).max(2500),
    no_optimize: bodyBoolean.optional(),
  })
  .meta({
    id: 'ObservationBatch',
    description: 'At most 2500 observations, created all together or not at all.',
    example: {
      observations: [
        {
          assignments: { learning_rate: 0.01, batch_size: 32, optimizer: 'adam' },
          values: [{ name: 'accuracy', value: 0.81 }],
        },
        { assignments: { learning_rate: 0.1, batch_size: 64, optimizer: 'rmsprop' }, failed: true },
      ],
    },
  });

export const observationDeleteQuery = z.object({ no_optimize: queryBoolean.optional() });

export type ObservationCreate = z.infer<typeof observationCreate>;

export const bestAssignmentsOutput = z
  .object({
    object: z.literal('best_assignments'),
    id,
    assignments,
    values: z.array(metricEvaluation),
    metadata: metadata.nullable(),
    task: z.null(),
  })
  .meta({ id: 'BestAssignments' });
