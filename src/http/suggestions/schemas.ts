import { z } from 'zod';
import { assignments } from '../experiments/schemas.ts';
import { bodyBoolean, id, metadata, pageQuery, timestamp } from '../schemas.ts';

export const assignmentsInput = z
  .record(z.string().max(100), z.union([z.number(), z.string().max(50)]))
  .meta({
    id: 'ChosenAssignments',
    example: { learning_rate: 0.01, batch_size: 32, optimizer: 'adam' },
  });

export const suggestionCreate = z
  .strictObject({
    assignments: assignmentsInput.optional(),
    metadata: metadata.nullish(),
    no_optimize: bodyBoolean.optional(),
  })
  .meta({
    id: 'SuggestionCreate',
    description: 'Empty for the optimizer’s next point; with assignments, a point the user chose.',
    example: {},
  });

export const suggestionUpdate = z
  .strictObject({ metadata: metadata.nullish() })
  .meta({ id: 'SuggestionUpdate', example: { metadata: { worker: 'gpu-7' } } });

const idList = z
  .string()
  .regex(/^\d{1,18}(,\d{1,18})*$/, 'must be a comma-separated list of ids')
  .transform((value) => value.split(','));

export const suggestionListQuery = z.object({
  ...pageQuery,
  state: z.enum(['open', 'closed', 'all']).default('all'),
  id: idList.optional(),
});

export const suggestionDeleteQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).optional(),
  no_optimize: z.string().optional(),
});

export const suggestionOutput = z
  .object({
    object: z.literal('suggestion'),
    id,
    experiment: id,
    assignments,
    state: z.enum(['open', 'closed']),
    metadata: metadata.nullable(),
    created: timestamp,
    deleted: z.boolean(),
    task: z.null(),
  })
  .meta({ id: 'Suggestion' });

export const queuedSuggestionCreate = z
  .strictObject({
    assignments: assignmentsInput,
    metadata: metadata.nullish(),
    task: z.null().optional(),
  })
  .meta({
    id: 'QueuedSuggestionCreate',
    example: { assignments: { learning_rate: 0.01, batch_size: 32, optimizer: 'adam' } },
  });

export const queuedSuggestionOutput = z
  .object({
    object: z.literal('queued_suggestion'),
    id,
    experiment: id,
    assignments,
    metadata: metadata.nullable(),
    created: timestamp,
    task: z.null(),
  })
  .meta({ id: 'QueuedSuggestion' });
