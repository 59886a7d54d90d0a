import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ApiError, errorStatus, isApiError } from '../errors.ts';
import { isUnavailable } from '../store/errors.ts';

// One place turns every failure into the wire's error body:
// {"message": "...", "status": <code>}. Below 500 the message tells the
// client what to fix; at 500 and above it never carries internals.

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** One issue of a union's branch, as zod reports it. */
interface BranchIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  [detail: string]: unknown;
}

const isTypeMismatch = (issue: BranchIssue) =>
  issue.code === 'invalid_type' && issue.path.length === 0;

/**
 * A union's complaint told from the branch the value's type matched, so that
 * `{"name": "y", "objective": "up"}` among metric names or objects names
 * `metrics[0].objective` instead of "invalid input" at `metrics[0]`.
 */
function fromUnion(issue: ValidationIssue): ValidationIssue {
  const branches = issue.params.errors as BranchIssue[][] | undefined;
  if (issue.keyword !== 'invalid_union' || !Array.isArray(branches)) return issue;
  const matched = branches.find((branch) => !branch.every(isTypeMismatch));
  const [inner] = matched ?? [];
  if (!inner) {
    const expected = new Set(branches.flat().map((each) => each.expected ?? 'another type'));
    return { ...issue, message: `expected ${[...expected].join(' or ')}` };
  }
  const { code, path, message, ...params } = inner;
  const parent = issue.instancePath.replace(/\/$/, '');
  const instancePath = path.length === 0 ? issue.instancePath : `${parent}/${path.join('/')}`;
  return fromUnion({ keyword: code, instancePath, message, params });
}

/** `/parameters/0/bounds/min` as `parameters[0].bounds.min`. */
export function fieldPath(instancePath: string, context: string | undefined): string {
  const parts = instancePath.split('/').filter((part) => part !== '');
  const path = parts.reduce(
    (text, part) => (/^\d+$/.test(part) ? `${text}[${part}]` : text ? `${text}.${part}` : part),
    '',
  );
  const where = context === 'querystring' ? 'query parameter' : context === 'params' ? 'path' : '';
  if (!path) return where ? `the ${where}` : 'the request body';
  return where ? `${where} \`${path}\`` : `\`${path}\``;
}

function describeIssue(issue: ValidationIssue, context: string | undefined): string {
  if (issue.keyword === 'unrecognized_keys') {
    const keys = (issue.params.keys as string[] | undefined) ?? [];
    const parent = issue.instancePath === '/' ? '' : issue.instancePath;
    const named = keys.map((key) => fieldPath(`${parent}/${key}`, context)).join(', ');
    return `Unknown field ${named}: this server does not accept it here.`;
  }
  return `Invalid ${fieldPath(issue.instancePath, context)}: ${issue.message ?? 'invalid value'}.`;
}

export function sendError(reply: FastifyReply, error: ApiError): void {
  void reply
    .code(error.status)
    .headers(error.headers)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ message: error.message, status: error.status }));
}

function translate(error: FastifyError, request: FastifyRequest): ApiError {
  if (isApiError(error)) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    // Unknown fields first: they usually explain the other complaints.
    const issues = (error.validation as unknown as ValidationIssue[])
      .map(fromUnion)
      .sort(
        (a, b) =>
          Number(b.keyword === 'unrecognized_keys') - Number(a.keyword === 'unrecognized_keys'),
      );
    const described = issues
      .slice(0, 3)
      .map((issue) => describeIssue(issue, error.validationContext));
    const more = issues.length > 3 ? ` (${issues.length - 3} more problems)` : '';
    return new ApiError('bad_request', (described.join(' ') || 'Invalid request.') + more);
  }
  if (isUnavailable(error)) {
    return new ApiError('unavailable', 'The database is unavailable; retry shortly.', {
      'retry-after': '2',
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(
        'payload_too_large',
        'The request body is larger than this server accepts.',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('bad_request', error.message);
    default:
      break;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'bad_request';
    return new ApiError(code, error.message);
  }
  request.log.error({ err: error }, 'request failed');
  return new ApiError('internal', 'The server failed to answer this request.');
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = translate(error, request);
    if (apiError.code === 'unavailable') request.log.warn({ err: error }, 'database unavailable');
    sendError(reply, apiError);
  });
}

export { errorStatus };
