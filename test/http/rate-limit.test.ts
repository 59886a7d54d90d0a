import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config.ts';
import { TokenBuckets } from '../../src/http/rate-limit.ts';
import { type Caller, expectError, openTestApp, type TestApp } from '../helpers/app.ts';
import { backends } from '../helpers/database.ts';

// Per-token rate limits: a token bucket per token; past the burst, 429 with
// Retry-After in whole seconds, and other tokens are not affected.

describe('the token bucket', () => {
  it('allows the burst at once, then one request per 1/rate seconds', () => {
    const buckets = new TokenBuckets(2, 3);

    const burst = [0, 0, 0].map(() => buckets.take('t', 0));
    const waitMs = buckets.take('t', 0);

    expect(burst).toEqual([0, 0, 0]);
    expect(waitMs).toBeCloseTo(500, 6);
    expect(buckets.take('t', 499)).toBeGreaterThan(0);
    expect(buckets.take('t', 500)).toBe(0);
  });

  it('refills no further than the burst', () => {
    const buckets = new TokenBuckets(10, 2);
    buckets.take('t', 0);

    const after = [0, 0, 0].map(() => buckets.take('t', 60_000));

    expect(after[0]).toBe(0);
    expect(after[1]).toBe(0);
    expect(after[2]).toBeGreaterThan(0);
  });

  it('keeps a bucket per key', () => {
    const buckets = new TokenBuckets(1, 1);

    expect(buckets.take('a', 0)).toBe(0);
    expect(buckets.take('b', 0)).toBe(0);
    expect(buckets.take('a', 0)).toBeGreaterThan(0);
    expect(buckets.size).toBe(2);
  });
});

describe('the rate limit settings', () => {
  it('default to 100 requests per second with bursts of 200', () => {
    expect(loadConfig({}).rateLimit).toEqual({ perSecond: 100, burst: 200 });
  });

  it('read ARGMAX_RATE_LIMIT and ARGMAX_RATE_BURST, and 0 turns the limit off', () => {
    const config = loadConfig({ ARGMAX_RATE_LIMIT: '2.5', ARGMAX_RATE_BURST: '10' });

    expect(config.rateLimit).toEqual({ perSecond: 2.5, burst: 10 });
    expect(loadConfig({ ARGMAX_RATE_LIMIT: '0' }).rateLimit).toBeNull();
  });

  it.each([
    ['ARGMAX_RATE_LIMIT', '-1', /ARGMAX_RATE_LIMIT must be a number of requests per second/],
    ['ARGMAX_RATE_LIMIT', 'fast', /ARGMAX_RATE_LIMIT must be a number of requests per second/],
    ['ARGMAX_RATE_BURST', '0', /ARGMAX_RATE_BURST must be an integer of at least 1/],
    ['ARGMAX_RATE_BURST', '1.5', /ARGMAX_RATE_BURST must be an integer of at least 1/],
  ])('refuse %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});

for (const kind of backends) {
  describe(kind, () => {
    const burst = 3;
    let api: TestApp;
    let clockMs = 0;
    let other: Caller;

    beforeAll(async () => {
      api = await openTestApp(kind, {
        rateLimit: { perSecond: 0.5, burst, now: () => clockMs },
      });
      other = await api.caller('default');
    });
    afterAll(async () => api.close());

    it('answers 429 with Retry-After once a token spent its burst, and again after the refill', async () => {
      clockMs += 3600_000;
      const allowed = [];
      for (let index = 0; index < burst; index++) {
        allowed.push((await api.get('/v1/tokens/self')).status);
      }

      const limited = await api.get('/v1/tokens/self');
      const posted = await api.post('/v1/experiments', {});
      clockMs += 2000;
      const refilled = await api.get('/v1/tokens/self');

      expect(allowed).toEqual([200, 200, 200]);
      expectError(limited, 429, /more than 0\.5 requests per second/);
      expect(limited.headers['retry-after']).toBe('2');
      expectError(posted, 429);
      expect(refilled.status).toBe(200);
    });

    it('keeps a separate bucket for each token', async () => {
      clockMs += 3600_000;
      for (let index = 0; index < burst; index++) await api.get('/v1/tokens/self');

      const mine = await api.get('/v1/tokens/self');
      const theirs = await api.get('/v1/tokens/self', { as: other });

      expect(mine.status).toBe(429);
      expect(theirs.status).toBe(200);
    });

    it('rounds Retry-After up to whole seconds', async () => {
      clockMs += 3600_000;
      for (let index = 0; index < burst; index++) await api.get('/v1/tokens/self', { as: other });
      clockMs += 500;

      const limited = await api.get('/v1/tokens/self', { as: other });

      // One request takes 2 s to refill; 0.5 s passed, so 1.5 s remain.
      expect(limited.headers['retry-after']).toBe('2');
    });

    it('does not limit requests that are turned away for their token', async () => {
      const replies = await Promise.all(
        [1, 2, 3, 4, 5].map(() => api.get('/v1/tokens/self', { as: null })),
      );

      expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401, 401, 401]);
    });
  });
}

describe('without a limit', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await openTestApp('pglite');
  });
  afterAll(async () => api.close());

  it('never answers 429', async () => {
    const statuses = new Set<number>();
    for (let index = 0; index < 50; index++) {
      statuses.add((await api.get('/v1/tokens/self')).status);
    }

    expect([...statuses]).toEqual([200]);
  });
});
