import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { z } from 'zod';

import { type AppOptions, buildApp } from '../../src/app.ts';
import type { experimentOutput, observationOutput } from '../../src/http/experiments/schemas.ts';
import type { bestAssignmentsOutput } from '../../src/http/observations/schemas.ts';
import type {
  queuedSuggestionOutput,
  suggestionOutput,
} from '../../src/http/suggestions/schemas.ts';
import type { clientOutput, tokenOutput } from '../../src/http/tokens/routes.ts';
import type { DatabaseKind } from '../../src/store/database.ts';
import {
  createToken,
  DEFAULT_CLIENT,
  ensureClient,
  type TokenOptions,
} from '../../src/store/tokens.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

// One app over one fresh database for a whole test file, an admin token of the
// default client, and request helpers that parse the answer as JSON.

export type Experiment = z.output<typeof experimentOutput>;
export type Observation = z.output<typeof observationOutput>;
export type Suggestion = z.output<typeof suggestionOutput>;
export type QueuedSuggestion = z.output<typeof queuedSuggestionOutput>;
export type BestAssignments = z.output<typeof bestAssignmentsOutput>;
export type Token = z.output<typeof tokenOutput>;
export type Client = z.output<typeof clientOutput>;

export interface Page<T> {
  object: 'pagination';
  count: number;
  data: T[];
  paging: { before: string | null; after: string | null };
}

/** What an error answer holds, and what a test may read of any other answer. */
export interface ErrorBody {
  message: string;
  status: number;
  [field: string]: unknown;
}

export interface Reply<T> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | number | undefined>;
  payload: string;
}

export interface Caller {
  token: string;
  tokenId: string;
  clientId: string;
  authorization: string;
}

export interface RequestOptions {
  /** The caller; the admin token of the default client when omitted. */
  as?: Caller | null;
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** A raw body, sent as it is instead of the JSON of `body`. */
  payload?: string | Buffer;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  admin: Caller;
  request<T = ErrorBody>(
    method: Method,
    url: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<Reply<T>>;
  get<T = ErrorBody>(url: string, options?: RequestOptions): Promise<Reply<T>>;
  post<T = ErrorBody>(url: string, body?: unknown, options?: RequestOptions): Promise<Reply<T>>;
  put<T = ErrorBody>(url: string, body?: unknown, options?: RequestOptions): Promise<Reply<T>>;
  delete<T = ErrorBody>(url: string, options?: RequestOptions): Promise<Reply<T>>;
  /** A token of the named client (created when missing). */
  caller(clientName: string, options?: TokenOptions): Promise<Caller>;
  /** Row counts of every table a request can write. */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** `Authorization: Basic base64(user:password)`, the form SigOpt's clients send. */
export const basicAuth = (user: string, password = ''): string =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;

async function newCaller(db: TestDatabase, clientName: string, options: TokenOptions) {
  const client = await ensureClient(db.prisma, clientName);
  const issued = await createToken(db.prisma, client.id, options);
  return {
    token: issued.value,
    tokenId: issued.token.id,
    clientId: client.id,
    authorization: basicAuth(issued.value),
  };
}

function parse(payload: string): unknown {
  if (payload === '') return null;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

const countedTables = {
  clients: 'clients',
  tokens: 'tokens',
  experiments: 'experiments',
  parameters: 'parameters',
  metrics: 'metrics',
  suggestions: 'suggestions',
  queuedSuggestions: 'queued_suggestions',
  observations: 'observations',
  observationValues: 'observation_values',
} as const;

// One statement for every table: tests count before and after each refused request.
const countsQuery = `SELECT ${Object.entries(countedTables)
  .map(([name, table]) => `(SELECT count(*) FROM "${table}")::int AS "${name}"`)
  .join(', ')}`;

async function counts(db: TestDatabase): Promise<Record<string, number>> {
  const [row] = await db.prisma.$queryRawUnsafe<Array<Record<string, number>>>(countsQuery);
  return { ...row };
}

export type TestAppOptions = Omit<AppOptions, 'database'>;

export async function openTestApp(
  kind: DatabaseKind,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const db = await openTestDatabase(kind);
  const app = await buildApp({
    ...options,
    database: db,
    suggestionTimeBudgetMs: options.suggestionTimeBudgetMs ?? 200,
  });
  await app.ready();
  const admin = await newCaller(db, DEFAULT_CLIENT, { admin: true });

  const request = async <T>(
    method: Method,
    url: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<Reply<T>> => {
    const caller = options.as === undefined ? admin : options.as;
    const headers: Record<string, string> = {
      ...(caller ? { authorization: caller.authorization } : {}),
      ...(body === undefined || options.payload !== undefined
        ? {}
        : { 'content-type': 'application/json' }),
      ...options.headers,
    };
    const payload = options.payload ?? (body === undefined ? undefined : JSON.stringify(body));
    const response = await app.inject({
      method,
      url,
      headers,
      ...(options.query ? { query: stringify(options.query) } : {}),
      ...(payload === undefined ? {} : { payload }),
    });
    return {
      status: response.statusCode,
      body: parse(response.payload) as T,
      headers: response.headers,
      payload: response.payload,
    };
  };

  return {
    app,
    db,
    admin,
    request,
    get: (url, options) => request('GET', url, undefined, options),
    post: (url, body, options) => request('POST', url, body ?? {}, options),
    put: (url, body, options) => request('PUT', url, body ?? {}, options),
    delete: (url, options) => request('DELETE', url, undefined, options),
    caller: (clientName, options = {}) => newCaller(db, clientName, options),
    counts: () => counts(db),
    async close() {
      await app.close();
      await db.close();
    },
  };
}

const stringify = (query: Record<string, string | number | boolean>) =>
  Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)]));

/** A small valid experiment body: one double, one int, one categorical, one metric. */
export function experimentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'route test',
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'n', type: 'int', bounds: { min: 1, max: 10 } },
      { name: 'c', type: 'categorical', categorical_values: ['a', 'b'] },
    ],
    metrics: [{ name: 'y', objective: 'maximize' }],
    ...overrides,
  };
}

/** Creates an experiment as the caller and fails the test when that is refused. */
export async function createExperiment(
  api: TestApp,
  overrides: Record<string, unknown> = {},
  as?: Caller,
): Promise<Experiment> {
  const reply = await api.post<Experiment>(
    '/v1/experiments',
    experimentBody(overrides),
    as ? { as } : {},
  );
  if (reply.status !== 200) {
    throw new Error(`creating the experiment answered ${reply.status}: ${reply.payload}`);
  }
  return reply.body;
}

/** Reports an observation at the given assignments and fails the test when refused. */
export async function observe(
  api: TestApp,
  experimentId: string,
  body: Record<string, unknown>,
  as?: Caller,
): Promise<Observation> {
  const reply = await api.post<Observation>(
    `/v1/experiments/${experimentId}/observations`,
    body,
    as ? { as } : {},
  );
  if (reply.status !== 200) {
    throw new Error(`the observation answered ${reply.status}: ${reply.payload}`);
  }
  return reply.body;
}

/**
 * Checks an error answer: the status, the wire's error body with exactly
 * `message` and `status`, and a message that matches `pattern` (the field it names).
 */
export function expectError(reply: Reply<unknown>, status: number, pattern?: RegExp): string {
  const body = reply.body as Partial<ErrorBody> | null;
  if (reply.status !== status || typeof body?.message !== 'string' || body.status !== status) {
    throw new Error(
      `expected an error body with status ${status}, got ${reply.status}: ${reply.payload}`,
    );
  }
  if (pattern && !pattern.test(body.message)) {
    throw new Error(`expected the message to match ${String(pattern)}: ${body.message}`);
  }
  expect(Object.keys(body).sort()).toEqual(['message', 'status']);
  return body.message;
}
