import { randomUUID } from 'node:crypto';

import { basicAuth } from '../helpers/server.ts';

// A worker's HTTP client with the faults of a real network: requests go to a
// random one of the server processes, some are aborted mid-flight, some are
// sent again (after the first answered, or at the same moment), and every
// retry carries the same Idempotency-Key. It keeps retrying until it has a
// final answer and counts what it met on the way.

export type Random = () => number;

/** Mulberry32: a small seeded generator, so that a failing run can be repeated. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Chaos {
  /** Chance that an attempt is aborted after a random few milliseconds. */
  abort: number;
  /** Chance that a request answered is sent once more with its key, to be replayed. */
  repeat: number;
  /** Chance that a request is sent twice at the same moment with one key. */
  concurrent: number;
}

/** What the clients saw, summed over all of them. */
export interface Tally {
  requests: number;
  aborted: number;
  networkErrors: number;
  unavailable: number;
  /** 503 answers without a Retry-After header: the contract says there must be none. */
  unavailableWithoutRetryAfter: number;
  stillRunning: number;
  replayed: number;
  /** 5xx other than 503, with their bodies: each one is a failure of the service. */
  serverErrors: string[];
  /** A repeated request whose answer differed from the first. */
  replayMismatches: string[];
  byServer: Record<string, number>;
}

export function newTally(): Tally {
  return {
    requests: 0,
    aborted: 0,
    networkErrors: 0,
    unavailable: 0,
    unavailableWithoutRetryAfter: 0,
    stillRunning: 0,
    replayed: 0,
    serverErrors: [],
    replayMismatches: [],
    byServer: {},
  };
}

export interface Answer {
  status: number;
  text: string;
  body: Record<string, unknown> | null;
  replayed: boolean;
}

export interface Call {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
}

/** Gives up on one request after this long: a service that never answers fails the test. */
const requestDeadlineMs = 45_000;

export class FaultyClient {
  private readonly authorization: string;
  /** What the latest attempt that did not count met, for the message of a request that never ends. */
  private last = 'nothing yet';

  constructor(
    private readonly servers: string[],
    token: string,
    private readonly options: { random: Random; chaos: Chaos; tally: Tally },
  ) {
    this.authorization = basicAuth(token);
  }

  /** Sends the call with a fresh key, with the configured retries and duplicates. */
  async send(call: Call): Promise<Answer> {
    const key = randomUUID();
    const { random, chaos, tally } = this.options;

    const answer =
      random() < chaos.concurrent
        ? await this.sendTwice(call, key)
        : await this.sendUntilFinal(call, key);
    if (answer.status < 500 && random() < chaos.repeat) {
      const again = await this.sendUntilFinal(call, key);
      if (again.text !== answer.text || !again.replayed) {
        tally.replayMismatches.push(`${call.method} ${call.path}: ${answer.text} / ${again.text}`);
      }
    }
    return answer;
  }

  /** Two copies at once: both must end with the same answer, one of them replayed. */
  private async sendTwice(call: Call, key: string): Promise<Answer> {
    const [first, second] = await Promise.all([
      this.sendUntilFinal(call, key),
      this.sendUntilFinal(call, key),
    ]);
    if (first.text !== second.text || (!first.replayed && !second.replayed)) {
      this.options.tally.replayMismatches.push(
        `concurrent ${call.method} ${call.path}: ${first.text} / ${second.text}`,
      );
    }
    return first.replayed ? second : first;
  }

  /** Retries aborts, network errors, 503 and 409 with the same key until another answer comes. */
  async sendUntilFinal(call: Call, key: string): Promise<Answer> {
    const deadline = Date.now() + requestDeadlineMs;
    for (;;) {
      if (Date.now() > deadline) {
        throw new Error(`no final answer to ${call.method} ${call.path}; last: ${this.last}`);
      }
      const outcome = await this.attempt(call, key);
      if (typeof outcome === 'number') {
        await sleep(outcome);
        continue;
      }
      return outcome;
    }
  }

  /** One attempt: the answer, or how long to wait before the next attempt. */
  private async attempt(call: Call, key: string): Promise<Answer | number> {
    const { random, chaos, tally } = this.options;
    const server = this.servers[Math.floor(random() * this.servers.length)] ?? '';
    tally.requests++;
    tally.byServer[server] = (tally.byServer[server] ?? 0) + 1;

    const controller = new AbortController();
    const timer =
      random() < chaos.abort ? setTimeout(() => controller.abort(), random() * 15) : undefined;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${server}${call.path}`, {
        method: call.method,
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify(call.body ?? {}),
        signal: controller.signal,
      });
      text = await response.text();
    } catch {
      // An abort, or the process refused or dropped the connection: try again with the key.
      this.last = controller.signal.aborted ? 'aborted' : 'a network error';
      if (controller.signal.aborted) tally.aborted++;
      else tally.networkErrors++;
      return 5 + random() * 20;
    } finally {
      clearTimeout(timer);
    }
    return this.judge(call, response, text);
  }

  private judge(call: Call, response: Response, text: string): Answer | number {
    const { random, tally } = this.options;
    const retryAfter = response.headers.get('retry-after');
    this.last = `${response.status} ${text}`;
    if (response.status === 503) {
      tally.unavailable++;
      if (retryAfter === null) tally.unavailableWithoutRetryAfter++;
      // Retry-After is honoured, up to two seconds, so an outage costs the test little.
      return Math.min(2000, Number(retryAfter ?? '1') * 1000) * (0.5 + random() * 0.5);
    }
    if (response.status === 409 && /still running/.test(text)) {
      tally.stillRunning++;
      return 30 + random() * 100;
    }
    if (response.status >= 500) {
      tally.serverErrors.push(`${call.method} ${call.path} ${response.status}: ${text}`);
      return 50 + random() * 100;
    }
    const replayed = response.headers.get('idempotent-replayed') === 'true';
    if (replayed) tally.replayed++;
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    return { status: response.status, text, body, replayed };
  }
}
