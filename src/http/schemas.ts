import { z } from 'zod';

// Schemas shared by every resource: ids, metadata, query-string values,
// pagination and the error body.

export const idPattern = /^\d{1,18}$/;

/** An id in a request body: an integer or a string of digits. */
export const idInput = z
  .union([z.int().min(0), z.string().regex(idPattern, 'must be a string of digits')])
  .transform(String);

/** An id in a path; anything else is a missing object (404), checked in the handler. */
export const pathId = z.string().max(40);

export const id = z.string().meta({ description: 'Object id: a string of digits', example: '42' });

export const timestamp = z.int().meta({ description: 'Seconds since the Unix epoch' });

const metadataValue = z.union([z.string().max(500), z.number(), z.null()]);

export const metadata = z
  .record(z.string().min(1).max(100), metadataValue)
  .refine((value) => Object.keys(value).length <= 100, 'may have at most 100 keys')
  .meta({
    id: 'Metadata',
    description:
      'A flat object of at most 100 keys (each at most 100 characters) whose values are strings ' +
      'of at most 500 characters, finite numbers or null.',
    example: { dataset: 'mr-polarity', fold: 3 },
  });

/**
 * Booleans in query strings: true, false, 1, 0 in any letter case. The case is
 * spelled out in the pattern because OpenAPI patterns carry no flags.
 */
export const queryBoolean = z
  .string()
  .regex(/^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]|1|0)$/, 'must be true, false, 1 or 0')
  .transform((value) => ['true', '1'].includes(value.toLowerCase()));

/** Booleans in bodies: JSON booleans, or the query-string spellings. */
export const bodyBoolean = z.union([z.boolean(), queryBoolean]);

export const marker = z
  .string()
  .regex(idPattern, 'must be a paging marker from an earlier page')
  .meta({ description: 'A paging marker from an earlier answer' });

export const pageQuery = {
  limit: z.coerce
    .number({ error: 'must be an integer from 0 to 1000' })
    .int('must be an integer from 0 to 1000')
    .min(0, 'must be an integer from 0 to 1000')
    .max(1000, 'must be an integer from 0 to 1000')
    .default(1000),
  before: marker.optional(),
  after: marker.optional(),
};

export function pagination<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      object: z.literal('pagination'),
      count: z.int().meta({ description: 'Total over all pages' }),
      data: z.array(item),
      paging: z.object({
        before: z.string().nullable().meta({ description: 'Pass as `before` for the older page' }),
        after: z.string().nullable().meta({ description: 'Pass as `after` for the newer page' }),
      }),
    })
    .meta({ id: `${name}Page`, description: `A page of ${name} objects, newest first` });
}

export const errorBody = z
  .object({
    message: z.string().meta({ description: 'What is wrong, naming the field' }),
    status: z.int(),
  })
  .meta({
    id: 'Error',
    example: { message: '`parameters[0].bounds.min` must be less than max.', status: 400 },
  });

export const errorResponses = {
  400: errorBody.meta({ description: 'Invalid request' }),
  401: errorBody.meta({ description: 'Missing, unknown or revoked token' }),
  404: errorBody.meta({ description: 'No such object for this client' }),
};

export const deleted = z.object({}).meta({ id: 'Empty', description: 'An empty object' });
