// HTTP with retries: Basic auth, JSON bodies, idempotency keys, backoff with jitter.
import { ApiError, NetworkError } from './errors.ts';
import { parseRetryAfter, retryableStatus, retryDelay, type RetryPolicy } from './retry.ts';
import { version } from './version.ts';

/** Query parameters; undefined and null are left out, arrays are sent comma-separated. */
export type Query = Record<
  string,
  string | number | boolean | ReadonlyArray<string | number> | null | undefined
>;

export interface RequestOptions {
  query?: Query | undefined;
  /** Sent as JSON. */
  body?: unknown;
  /** For POST, PUT and DELETE; a fresh random key per call when not given. */
  idempotencyKey?: string | undefined;
}

export interface TransportOptions {
  url: string;
  token: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Methods that change something; every attempt of one call carries the same key. */
const guardedMethods = new Set(['POST', 'PUT', 'DELETE']);

/** The API root: the URL without trailing slashes, with /v1 added when it is missing. */
export function apiBase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`url: expected an http(s) address like http://127.0.0.1:8080, got ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`url: expected an http or https address, got ${url}`);
  }
  const base = url.replace(/\/+$/, '');
  return base.endsWith('/v1') ? base : `${base}/v1`;
}

export function encodeQuery(query: Query | undefined): string {
  const pairs = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null) continue;
    pairs.append(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = pairs.toString();
  return text ? `?${text}` : '';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends one API call, retrying it as the policy allows. Every attempt of one POST,
 * PUT or DELETE sends the same Idempotency-Key and the same bytes, so the server
 * runs the change at most once and replays its first answer to the retries.
 */
export class Transport {
  readonly base: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  private readonly headers: Record<string, string>;

  constructor(options: TransportOptions) {
    this.base = apiBase(options.url);
    this.timeoutMs = options.timeoutMs;
    this.retry = options.retry;
    const credentials = btoa(`${options.token}:`);
    this.headers = {
      authorization: `Basic ${credentials}`,
      accept: 'application/json',
      'user-agent': `argmax-typescript/${version}`,
    };
  }

  /** The parsed JSON answer (undefined when empty); throws ApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const verb = method.toUpperCase();
    const url = `${this.base}${path}${encodeQuery(options.query)}`;
    const headers = { ...this.headers };
    let data: string | undefined;
    if (options.body !== undefined) {
      data = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (guardedMethods.has(verb)) {
      headers['idempotency-key'] = options.idempotencyKey ?? crypto.randomUUID();
    }
    const answer = await this.withRetries(verb, url, headers, data);
    return answer.body as T;
  }

  private async withRetries(
    method: string,
    url: string,
    headers: Record<string, string>,
    data: string | undefined,
  ): Promise<Answer> {
    const attempts = Math.max(1, this.retry.maxAttempts);
    const hasKey = 'idempotency-key' in headers;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      let answer: Answer;
      try {
        answer = await this.send(method, url, headers, data);
      } catch (cause) {
        if (last) {
          const message = `${method} ${url}: no answer after ${attempt} attempts (${describe(cause)})`;
          throw new NetworkError(message, attempt, { cause });
        }
        await sleep(retryDelay(this.retry, attempt - 1, null));
        continue;
      }
      if (answer.status < 400) return answer;
      if (last || !retryableStatus(answer.status, answer.headers, hasKey)) {
        throw apiError(answer);
      }
      const retryAfter = parseRetryAfter(answer.headers['retry-after']);
      await sleep(retryDelay(this.retry, attempt - 1, retryAfter));
    }
  }

  /** One attempt; throws when no whole answer came back (refused, reset, timed out). */
  private async send(
    method: string,
    url: string,
    headers: Record<string, string>,
    data: string | undefined,
  ): Promise<Answer> {
    const response = await fetch(url, {
      method,
      headers,
      body: data ?? null,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    // Reading the body is under the same timeout: an answer cut short throws here.
    const text = await response.text();
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => (answerHeaders[name.toLowerCase()] = value));
    return { status: response.status, headers: answerHeaders, body: parseBody(text) };
  }
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function apiError(answer: Answer): ApiError {
  const body = isRecord(answer.body) ? answer.body : {};
  const message = typeof body.message === 'string' ? body.message : `HTTP ${answer.status}`;
  return new ApiError(answer.status, message, body, answer.headers);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The innermost reason of a fetch failure: "ECONNREFUSED", "TimeoutError", ... */
function describe(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  if (current instanceof Error) {
    const code = (current as Error & { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${current.message}` : current.message;
  }
  return String(current);
}
