import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import {
  createServer,
  type IncomingMessage,
  request as forward,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  Client,
  type ExperimentData,
  NetworkError,
} from '../../clients/typescript/src/index.ts';
import { parseRetryAfter, retryDelay } from '../../clients/typescript/src/retry.ts';
import { type ServerProcess, startServer } from '../helpers/server.ts';

// Retries of the TypeScript client through a real HTTP proxy in front of the real
// server. The proxy forwards every request, except that the first requests a test
// picks get another fate: the answer dropped after the server sent it, a 503, 429
// or 409 in its place (with Retry-After: 0, or 1 for "429-1s"), or an answer held
// back past the client's timeout.

const token = 'typescript-retries-0123456789abc';

type Fate = 'drop' | 'hold' | '429-1s' | 503 | 429 | 409;

interface Attempt {
  method: string;
  url: string;
  key: string | undefined;
  status: number | 'dropped';
}

class FaultyProxy {
  readonly attempts: Attempt[] = [];
  private fates: Fate[] = [];
  private match: (method: string, url: string) => boolean = () => false;
  private readonly server: Server;
  private readonly upstream: URL;

  constructor(upstream: string) {
    this.upstream = new URL(upstream);
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests that `match` picks meet these fates, one each, in order. */
  plan(match: (method: string, url: string) => boolean, fates: Fate[]): void {
    this.match = match;
    this.fates = [...fates];
    this.attempts.length = 0;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const key = request.headers['idempotency-key'] as string | undefined;
    const fate = this.match(method, url) ? this.fates.shift() : undefined;
    const attempt: Attempt = { method, url, key, status: 'dropped' };
    this.attempts.push(attempt);

    if (typeof fate === 'number' || fate === '429-1s') {
      const status = fate === '429-1s' ? 429 : fate;
      const retryAfter = fate === '429-1s' ? '1' : '0';
      attempt.status = status;
      response.writeHead(status, { 'content-type': 'application/json', 'retry-after': retryAfter });
      response.end(JSON.stringify({ message: `the proxy answers ${status}`, status }));
      return;
    }
    const answer = await this.forward(method, url, request.headers, Buffer.concat(chunks));
    if (fate === 'drop') {
      // The server did the work and answered; the client never hears of it.
      request.socket.destroy();
      return;
    }
    if (fate === 'hold') await new Promise((resolve) => setTimeout(resolve, 1500));
    attempt.status = answer.status;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  private async forward(
    method: string,
    url: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const { hostname, port } = this.upstream;
    const outgoing = forward({ host: hostname, port, method, path: url, headers });
    outgoing.end(body);
    const [answer] = (await once(outgoing, 'response')) as [IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of answer) chunks.push(chunk as Buffer);
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (typeof value === 'string' && name !== 'connection') kept[name] = value;
    }
    return { status: answer.statusCode ?? 502, headers: kept, body: Buffer.concat(chunks) };
  }
}

let server: ServerProcess;
let dataDir: string;
let proxy: FaultyProxy;
let client: Client;
/** Gives up on an attempt after 500 ms, before the proxy's held answers come. */
let impatient: Client;
let direct: Client;
let experiment: ExperimentData;

const retry = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 };
const isObservationPost = (method: string, url: string) =>
  method === 'POST' && /\/observations(\/batch)?$/.test(url);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'argmax-ts-retries-'));
  server = await startServer({ ARGMAX_TOKEN: token, DATA_DIR: dataDir });
  proxy = new FaultyProxy(server.url);
  const url = await proxy.listen();
  client = new Client({ url, token, retry });
  impatient = new Client({ url, token, retry, timeoutMs: 500 });
  direct = new Client({ url: server.url, token });
  experiment = await direct.createExperiment({
    name: 'retried',
    parameters: [{ name: 'x', type: 'double', bounds: { min: 0, max: 1 } }],
    suggestion_lease_seconds: 60,
  });
});

afterEach(() => proxy.plan(() => false, []));

afterAll(async () => {
  await proxy?.close();
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

async function observationsOf(suggestion: string) {
  const all = await direct.listObservations(experiment);
  return all.filter((observation) => observation.suggestion === suggestion);
}

describe('retries through a faulty proxy', () => {
  it('stores an observation once when its answer was lost and the retry replays it', async () => {
    const suggestion = await direct.createSuggestion(experiment);
    proxy.plan(isObservationPost, ['drop', 'drop']);

    const observation = await client.createObservation(experiment, { suggestion, value: 0.5 });

    expect(proxy.attempts.map((attempt) => attempt.status)).toEqual(['dropped', 'dropped', 200]);
    const keys = new Set(proxy.attempts.map((attempt) => attempt.key));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await observationsOf(suggestion.id);
    expect(stored.map((entry) => entry.id)).toEqual([observation.id]);
  });

  it('stores a batch once when its answer was lost', async () => {
    proxy.plan(isObservationPost, ['drop']);
    const before = (await direct.listObservations(experiment)).length;

    const batch = [0.1, 0.2, 0.3].map((x) => ({ assignments: { x }, value: x }));
    const created = await client.createObservations(experiment, batch);

    expect(created).toHaveLength(3);
    expect(proxy.attempts).toHaveLength(2);
    expect(await direct.listObservations(experiment)).toHaveLength(before + 3);
  });

  it('stores an observation once when the first answer came after the timeout', async () => {
    const suggestion = await direct.createSuggestion(experiment);
    proxy.plan(isObservationPost, ['hold']);

    await impatient.createObservation(experiment, { suggestion, value: 0.25 });

    expect(proxy.attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(proxy.attempts.map((attempt) => attempt.key)).size).toBe(1);
    expect(await observationsOf(suggestion.id)).toHaveLength(1);
  });

  it('retries 503, 429 and 409 while the first attempt runs, with the same key', async () => {
    const suggestion = await direct.createSuggestion(experiment);
    proxy.plan(isObservationPost, [503, 429, 409]);

    await client.createObservation(experiment, { suggestion, value: 0.75 });

    expect(proxy.attempts.map((attempt) => attempt.status)).toEqual([503, 429, 409, 200]);
    expect(new Set(proxy.attempts.map((attempt) => attempt.key)).size).toBe(1);
    expect(await observationsOf(suggestion.id)).toHaveLength(1);
  });

  it('gives every call its own key', async () => {
    proxy.plan(() => true, []);
    await client.createSuggestion(experiment);
    await client.createSuggestion(experiment);
    await client.fetchExperiment(experiment);

    const [first, second, read] = proxy.attempts;
    expect(first?.key).toBeDefined();
    expect(first?.key).not.toBe(second?.key);
    expect(read?.key).toBeUndefined();
  });

  it('never retries another 4xx', async () => {
    proxy.plan(() => true, []);
    const bad = client.createObservation(experiment, { assignments: { y: 0.5 }, value: 1 });
    await expect(bad).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/y/) });
    expect(proxy.attempts).toHaveLength(1);

    // A closed suggestion's lease cannot be renewed: 409 without Retry-After is final.
    const suggestion = await direct.createSuggestion(experiment);
    await direct.createObservation(experiment, { suggestion, value: 1 });
    proxy.plan(() => true, []);
    const renewal = await client
      .renewLease(experiment, suggestion)
      .catch((error: unknown) => error);
    expect(renewal).toBeInstanceOf(ApiError);
    expect(renewal).toMatchObject({ status: 409 });
    expect(proxy.attempts).toHaveLength(1);
  });

  it('gives up after the last attempt with a NetworkError', async () => {
    proxy.plan(() => true, ['drop', 'drop', 'drop', 'drop']);

    const error = await client.fetchExperiment(experiment).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ status: null, attempts: 4 });
    expect(proxy.attempts).toHaveLength(4);
  });

  it('waits at least as long as Retry-After says', async () => {
    proxy.plan(() => true, ['429-1s']);

    const started = Date.now();
    await client.fetchExperiment(experiment);

    // The policy alone would wait at most 50 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(proxy.attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
  });
});

describe('the backoff', () => {
  const policy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

  it('draws a wait below a ceiling that doubles up to the maximum', () => {
    expect(retryDelay(policy, 0, null, () => 0.999)).toBeCloseTo(499.5);
    expect(retryDelay(policy, 3, null, () => 0.5)).toBe(2000);
    expect(retryDelay(policy, 20, null, () => 1)).toBe(30_000);
    expect(retryDelay(policy, 2, null, () => 0)).toBe(0);
  });

  it('never waits less than Retry-After, given in seconds or as a date', () => {
    expect(retryDelay(policy, 0, 2000, () => 0.1)).toBe(2000);
    expect(parseRetryAfter('3')).toBe(3000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });
});
