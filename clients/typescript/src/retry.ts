// When to try an API call again, and how long to wait first.

/** How often and how long to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included (6 by default; 1 turns retries off). */
  maxAttempts: number;
  /** The ceiling of the first retry's wait, doubled for each retry after it (500 ms). */
  baseDelayMs: number;
  /** The largest ceiling (30 s). */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

/**
 * Answers worth another attempt: overload (429), the server or its database
 * unavailable (503), and a gateway in front of it that lost the upstream (502, 504).
 */
const retryStatuses = new Set([429, 502, 503, 504]);

/**
 * The wait before retry number `retry` (0 for the first): a uniform random time in
 * [0, min(maxDelayMs, baseDelayMs * 2^retry)], "full jitter" from the AWS Architecture
 * Blog's "Exponential Backoff and Jitter" (2015), so that workers that failed together
 * do not come back together; never less than the server's Retry-After.
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | null,
  draw: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = draw() * ceiling;
  return retryAfterMs === null ? jittered : Math.max(retryAfterMs, jittered);
}

/** Retry-After in milliseconds: delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const when = Date.parse(text);
  if (Number.isNaN(when)) return null;
  return Math.max(0, when - now);
}

/**
 * Whether an error answer may succeed when sent again. 409 with Retry-After means an
 * earlier attempt with the same Idempotency-Key is still running: the retry gets its
 * answer once it is done. Every other 4xx would fail again.
 */
export function retryableStatus(
  status: number,
  headers: Record<string, string>,
  hasKey: boolean,
): boolean {
  if (retryStatuses.has(status)) return true;
  return status === 409 && hasKey && 'retry-after' in headers;
}
