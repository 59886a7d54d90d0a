// The one application error type. Every failure a client can cause is an
// ApiError with a code from this closed set; the HTTP status of each code is
// decided here and nowhere else.

export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.headers = headers;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export const badRequest = (message: string): ApiError => new ApiError('bad_request', message);

export const notFound = (what: string, id: string): ApiError =>
  new ApiError('not_found', `No ${what} with id ${JSON.stringify(id)} exists.`);

export const unsupported = (field: string): ApiError =>
  new ApiError('bad_request', `\`${field}\` is not supported by this server yet.`);

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}
