import type { FastifyInstance, RouteOptions } from 'fastify';

import { ApiError } from '../errors.ts';
import { requireAuth } from './auth.ts';
import { errorBody } from './schemas.ts';

// Per-token rate limits: a token bucket per API token, in this process's
// memory. A bucket holds up to `burst` requests and refills at `perSecond`;
// a request that finds it empty answers 429 with Retry-After, which the SigOpt
// client honours by backing off. With several processes each keeps its own
// buckets, so the limit a token sees is per process.

export interface RateLimitOptions {
  /** Requests per second each token may sustain. */
  perSecond: number;
  /** Requests a token may send at once after being idle. */
  burst: number;
  /** The clock in milliseconds; tests move it. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets beyond this many are pruned of the ones that refilled completely. */
const pruneAbove = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes one request from the key's bucket: 0 when allowed, else the milliseconds to wait. */
  take(key: string, now: number): number {
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return ((1 - bucket.tokens) / this.perSecond) * 1000;
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    const found = this.buckets.get(key);
    if (found) {
      const elapsed = Math.max(0, now - found.at) / 1000;
      found.tokens = Math.min(this.burst, found.tokens + elapsed * this.perSecond);
      found.at = now;
      return found;
    }
    if (this.buckets.size >= pruneAbove) this.prune(now);
    const bucket = { tokens: this.burst, at: now };
    this.buckets.set(key, bucket);
    return bucket;
  }

  /** A bucket that has refilled to `burst` is the same as no bucket. */
  private prune(now: number): void {
    const fullAfterMs = (this.burst / this.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at >= fullAfterMs) this.buckets.delete(key);
    }
  }
}

function documentRoute(route: RouteOptions): void {
  if (!route.schema) return;
  route.schema.response = {
    ...(route.schema.response as object | undefined),
    429: errorBody.meta({ description: 'Too many requests for this token; see Retry-After' }),
  };
}

/**
 * Limits every route of the scope per token; call it after registerAuth. With
 * null (or perSecond 0) nothing is limited, and the 429 answer is still documented.
 */
export function registerRateLimit(app: FastifyInstance, options: RateLimitOptions | null): void {
  app.addHook('onRoute', documentRoute);
  if (!options || options.perSecond <= 0) return;

  const { perSecond, burst } = options;
  const now = options.now ?? (() => performance.now());
  const buckets = new TokenBuckets(perSecond, burst);

  app.addHook('onRequest', async (request) => {
    const waitMs = buckets.take(requireAuth(request).token.id, now());
    if (waitMs === 0) return;
    const seconds = Math.ceil(waitMs / 1000);
    throw new ApiError(
      'rate_limited',
      `This token sent more than ${perSecond} requests per second (bursts of ${burst}); ` +
        `retry after ${seconds} s.`,
      { 'retry-after': String(seconds) },
    );
  });
}
