import { createHash } from 'node:crypto';

import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { z } from 'zod';

import { ApiError, badRequest } from '../errors.ts';
import {
  claimKey,
  completeKey,
  completeKeySql,
  type KeyClaim,
  releaseKey,
  type StoredAnswer,
  sweepExpiredKeys,
} from '../store/idempotency.ts';
import type { PrismaClient } from '../store/prisma.ts';
import type { Sql } from '../store/sql.ts';
import { requireAuth } from './auth.ts';
import { errorBody } from './schemas.ts';

// Idempotency-Key on POST, PUT and DELETE (opt-in: without the header nothing
// changes). The first answer below 500 is stored with the key, scoped to the
// token, and replayed to every retry of the same request for `ttlMs`; a 5xx is
// not stored, so the retry runs the request again.
//
// The window: most routes commit their transaction first and the answer is
// stored afterwards, in onSend. If the process dies or the database fails
// between the two, the change is kept but the key stays "running"; retries get
// 409 until `staleMs` has passed, then one takes the key over and runs the
// request a second time. Observation routes close the window: they call
// storeAnswer inside their own transaction, so the observations and the stored
// answer commit together, and an attempt whose key was taken over rolls back.

export const idempotencyHeader = 'idempotency-key';
export const replayedHeader = 'idempotent-replayed';

const guardedMethods = new Set(['POST', 'PUT', 'DELETE']);

/** 1 to 255 printable ASCII characters. */
const keyPattern = /^[\x20-\x7e]{1,255}$/;

export interface IdempotencyOptions {
  /** How long an answer is replayed; at least a day. */
  ttlMs?: number;
  /** After how long a running attempt counts as dead and its key may be taken over. */
  staleMs?: number;
  /** The clock; tests move it. */
  now?: () => Date;
  /** How often at most expired keys are swept, and how many at a time. */
  sweepEveryMs?: number;
  sweepBatch?: number;
}

const defaults = {
  ttlMs: 24 * 3600_000,
  staleMs: 60_000,
  sweepEveryMs: 60_000,
  sweepBatch: 1000,
};

interface RequestClaim extends KeyClaim {
  /** Set once the answer was stored inside the route's own transaction. */
  stored: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: RequestClaim | null;
  }
}

/** JSON with object keys sorted at every level, so key order and whitespace do not matter. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** What makes two requests "the same": method, path with query, and the parsed body. */
export function requestHash(method: string, url: string, body: unknown): string {
  // A missing body reads as {}, as the body parser reads an empty one.
  const text = `${method}\n${url}\n${canonicalJson(body ?? {})}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function keyOf(request: FastifyRequest): string | null {
  const value = request.headers[idempotencyHeader];
  if (value === undefined || !guardedMethods.has(request.method)) return null;
  if (typeof value !== 'string' || !keyPattern.test(value)) {
    throw badRequest('The `Idempotency-Key` header must be 1 to 255 printable ASCII characters.');
  }
  return value;
}

function replay(reply: FastifyReply, answer: StoredAnswer): FastifyReply {
  void reply.code(answer.status).header(replayedHeader, 'true');
  if (answer.body === null) return reply.send();
  return reply.type('application/json; charset=utf-8').send(answer.body);
}

const stillRunning = () =>
  new ApiError(
    'conflict',
    'A request with this `Idempotency-Key` is still running; retry it in a second.',
    { 'retry-after': '1' },
  );

const mismatch = () =>
  new ApiError(
    'unprocessable',
    'This `Idempotency-Key` was already used with another request (method, path or body); ' +
      'send a new key for a new request.',
  );

/** The header and the answers it adds, in the OpenAPI document of every guarded route. */
const headers = z.looseObject({
  [idempotencyHeader]: z
    .string()
    .regex(keyPattern)
    .optional()
    .meta({
      description:
        'Makes the request safe to retry: the first answer (below 500) is kept 24 hours and ' +
        'replayed, with `Idempotent-Replayed: true`, to retries with the same key and request.',
    }),
});

function documentRoute(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (!route.schema || !methods.some((method) => guardedMethods.has(method))) return;
  route.schema.headers ??= headers;
  route.schema.response = {
    ...(route.schema.response as object | undefined),
    409: errorBody.meta({
      description:
        'The same Idempotency-Key is still running, or the experiment changed while the request ' +
        'ran; retry after Retry-After seconds',
    }),
    422: errorBody.meta({ description: 'The Idempotency-Key was used with another request' }),
  };
}

/** Adds Idempotency-Key handling to every POST, PUT and DELETE route of the scope. */
export function registerIdempotency(
  app: FastifyInstance,
  prisma: PrismaClient,
  options: IdempotencyOptions = {},
): void {
  const settings = { ...defaults, ...options };
  const now = options.now ?? (() => new Date());
  const sweeper = newSweeper(prisma, app, settings);

  app.decorateRequest('idempotency', null);
  app.addHook('onRoute', documentRoute);

  // After parsing, so the body can be hashed; before validation, so a 400
  // for an invalid body is stored like any other answer.
  app.addHook('preValidation', async (request, reply) => {
    const key = keyOf(request);
    if (key === null) return;
    const outcome = await claimKey(prisma, {
      tokenId: requireAuth(request).token.id,
      key,
      requestHash: requestHash(request.method, request.url, request.body),
      now: now(),
      ttlMs: settings.ttlMs,
      staleMs: settings.staleMs,
    });
    switch (outcome.kind) {
      case 'claimed':
        request.idempotency = { ...outcome.claim, stored: false };
        sweeper.maybeSweep(now());
        return;
      case 'done':
        return replay(reply, outcome.answer);
      case 'running':
        throw stillRunning();
      case 'mismatch':
        throw mismatch();
    }
  });

  const retrier = newSettleRetrier(settings.staleMs);

  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency;
    if (!claim) return payload;
    request.idempotency = null;
    const sent = { status: reply.statusCode, payload };
    try {
      await settle(prisma, claim, sent);
    } catch (error) {
      // Often the database is down, and the answer is a 503 whose key must be
      // released for the retry to run: keep trying in the background, or
      // retries would get 409 until the key goes stale.
      request.log.warn({ err: error, status: sent.status }, 'idempotency key not settled yet');
      retrier.add(() => settle(prisma, claim, sent));
    }
    return payload;
  });

  app.addHook('onClose', async () => {
    await Promise.all([sweeper.idle(), retrier.close()]);
  });
}

/** Stores the answer below 500 or releases the key. Fenced: a late call changes nothing. */
async function settle(
  prisma: PrismaClient,
  claim: RequestClaim,
  sent: { status: number; payload: unknown },
): Promise<void> {
  const body = bodyText(sent.payload);
  if (sent.status >= 500 || body === undefined) {
    await releaseKey(prisma, claim);
  } else if (!claim.stored) {
    await completeKey(prisma, claim, { status: sent.status, body });
  }
}

/**
 * Retries settling keys, with backoff from 250 ms to 4 s, until it succeeds,
 * the key would be stale anyway, or the app closes.
 */
function newSettleRetrier(staleMs: number): {
  add(attempt: () => Promise<void>): void;
  close(): Promise<void>;
} {
  const running = new Set<Promise<void>>();
  const sleepers = new Set<() => void>();
  let closed = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  const loop = async (attempt: () => Promise<void>) => {
    const giveUpAt = Date.now() + staleMs;
    for (let delay = 250; !closed && Date.now() < giveUpAt; delay = Math.min(delay * 2, 4000)) {
      await sleep(delay);
      if (closed) return;
      try {
        return await attempt();
      } catch {
        // Still unreachable: wait longer.
      }
    }
  };

  return {
    add(attempt) {
      const run = loop(attempt).finally(() => running.delete(run));
      running.add(run);
    },
    async close() {
      closed = true;
      [...sleepers].forEach((wake) => wake());
      await Promise.allSettled([...running]);
    },
  };
}

/** The payload as onSend sees it: a string, nothing (204), or else something not storable. */
function bodyText(payload: unknown): string | null | undefined {
  if (payload === null || payload === undefined) return null;
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return undefined;
}

/**
 * Stores a 200 answer inside the caller's transaction, so that it commits with
 * the change it reports; a no-op for requests without an Idempotency-Key.
 * Returns the body for the handler to send.
 */
export async function storeAnswer<T>(sql: Sql, reply: FastifyReply, body: T): Promise<T> {
  const claim = reply.request.idempotency;
  if (!claim) return body;
  const text = reply.serialize(body) as string;
  if (!(await completeKeySql(sql, claim, { status: reply.statusCode, body: text }))) {
    // Another attempt took the key over: this one must not commit.
    throw stillRunning();
  }
  claim.stored = true;
  return body;
}

/** Deletes expired keys now and then, off the request's path, one bounded batch at a time. */
function newSweeper(
  prisma: PrismaClient,
  app: FastifyInstance,
  settings: typeof defaults,
): { maybeSweep(now: Date): void; idle(): Promise<void> } {
  let last = -Infinity;
  let running: Promise<void> = Promise.resolve();

  return {
    maybeSweep(now) {
      if (now.getTime() - last < settings.sweepEveryMs) return;
      last = now.getTime();
      running = sweepExpiredKeys(prisma, now, settings.sweepBatch).then(
        () => undefined,
        (error: unknown) => app.log.warn({ err: error }, 'idempotency sweep failed'),
      );
    },
    idle: () => running,
  };
}
