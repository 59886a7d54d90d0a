// The errors the client throws.

/** The server answered with an error status, or (as NetworkError) did not answer at all. */
export class ApiError extends Error {
  override name = 'ApiError';

  /**
   * @param status the HTTP status; null when no answer came back
   * @param message the server's own message, which names the field that is wrong
   * @param body the whole error object as parsed JSON
   * @param headers the answer's headers, names in lower case
   */
  constructor(
    readonly status: number | null,
    message: string,
    readonly body: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** No answer (refused, reset, timed out, cut short) after every attempt; `cause` is the last. */
export class NetworkError extends ApiError {
  override name = 'NetworkError';

  constructor(
    message: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(null, message);
    this.cause = options.cause;
  }
}
