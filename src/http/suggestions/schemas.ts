import { z } from 'zod';
import { assignments } from '../experiments/schemas.ts';
import { bodyBoolean, id, metadata, pageQuery, queryBoolean, timestamp } from '../schemas.ts';

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

// SigOpt's Python client writes a list argument as compact JSON (`id=["12","13"]`);
// plain HTTP callers write `id=12,13`. Both name the same ids.
const jsonIdList = /^\[\s*("\d{1,18}"|\d{1,18})(\s*,\s*("\d{1,18}"|\d{1,18}))*\s*\]$/;

const idList = z.preprocess(
  (value) =>
    typeof value === 'string' && jsonIdList.test(value) ? value.replace(/[[\]"\s]/g, '') : value,
  z
    .string()
    .regex(/^\d{1,18}(,\d{1,18})*$/, 'must be a comma-separated list of ids')
    .transform((value) => value.split(',')),
);

export const suggestionListQuery = z.object({
  ...pageQuery,
  state: z.enum(['open', 'closed', 'all']).default('all'),
  id: idList.optional(),
});

export const suggestionDeleteQuery = z.object({
  state: z.enum(['open', 'closed', 'all']).optional(),
  no_optimize: queryBoolean.optional(),
});

export const suggestionOutput = z
  .object({
    object: z.literal('suggestion'),
    id,
    experiment: id,
    assignments,
    state: z.enum(['open', 'closed', 'expired']).meta({
      description:
        'open until an observation cites it; expired when its lease ran out and its point was ' +
        'offered again (a late observation is still kept and closes it)',
    }),
    metadata: metadata.nullable(),
    created: timestamp,
    deleted: z.boolean(),
    task: z.null(),
    lease_expires: timestamp
      .nullable()
      .meta({ description: 'When the lease runs out; null when the experiment uses no leases' }),
    attempt: z
      .int()
      .meta({ description: '1, or n + 1 when offered again after attempt n expired' }),
    retry_of: id.nullable().meta({ description: 'The expired suggestion this one offers again' }),
  })
  .meta({ id: 'Suggestion' });

export const leaseRenewal = z
  .strictObject({
    seconds: z
      .int()
      .min(1)
      .max(7 * 86_400)
      .optional()
      .meta({
        description:
          "Length of the new lease; the experiment's suggestion_lease_seconds by default",
      }),
  })
  .meta({ id: 'LeaseRenewal', example: { seconds: 600 } });

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
