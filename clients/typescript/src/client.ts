// The client: one method per API route a worker or a controller needs.
import { ApiError } from './errors.ts';
import { Experiment } from './experiment.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
import { type Query, type RequestOptions, Transport } from './transport.ts';
import type {
  Assignments,
  BestAssignments,
  ExperimentData,
  ExperimentFields,
  ExperimentUpdate,
  Metadata,
  MetricValue,
  Observation,
  ObservationFields,
  ObservationUpdate,
  QueuedSuggestion,
  Ref,
  Routes,
  Suggestion,
  Token,
} from './types.ts';

export const defaultUrl = 'http://127.0.0.1:8080';

export interface ClientOptions {
  /** The server's address, `http://host:8080` (a trailing /v1 is fine); ARGMAX_URL by default. */
  url?: string | undefined;
  /** An API token; ARGMAX_TOKEN by default. */
  token?: string | undefined;
  /** Bounds each attempt of a request, answer included (60 s). */
  timeoutMs?: number | undefined;
  /** Retries; `{ maxAttempts: 1 }` turns them off. */
  retry?: Partial<RetryPolicy> | undefined;
  /**
   * Told about what the client recovers from by itself: a failed trial in `run`, a lost
   * lease renewal. By default a process warning (`process.emitWarning`).
   */
  onWarning?: ((message: string, error: unknown) => void) | undefined;
}

/** An observation's fields, with `values` also accepted as an object from metric name to value. */
export type ObservationInput = Omit<ObservationFields, 'values' | 'suggestion'> & {
  suggestion?: Ref | null;
  values?: readonly MetricValue[] | Readonly<Record<string, number>> | null;
};

type ListQuery<K extends keyof Routes> = Omit<Routes[K]['query'], 'before' | 'after'>;

interface Page<T> {
  data: T[];
  paging: { before: string | null };
}

export function refId(value: Ref): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'object' && value !== null && 'id' in value) return String(value.id);
  throw new TypeError(`expected an id or an object with an id, got ${JSON.stringify(value)}`);
}

function environment(name: string): string | undefined {
  return globalThis.process?.env[name] || undefined;
}

function retryPolicy(given: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...given };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(
      `retry.maxAttempts: expected an integer of at least 1, got ${policy.maxAttempts}`,
    );
  }
  for (const name of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!(policy[name] >= 0)) {
      throw new RangeError(`retry.${name}: expected a number of at least 0, got ${policy[name]}`);
    }
  }
  return policy;
}

function processWarning(message: string): void {
  globalThis.process?.emitWarning(message, 'ArgmaxWarning');
}

/**
 * Connects to an argmax server. Methods return the server's JSON objects as
 * openapi/openapi.json describes them; lists are read page by page and returned
 * whole. An error answer throws `ApiError`.
 */
export class Client {
  readonly transport: Transport;
  readonly warn: (message: string, error: unknown) => void;

  constructor(options: ClientOptions = {}) {
    const url = options.url ?? environment('ARGMAX_URL') ?? defaultUrl;
    const token = options.token ?? environment('ARGMAX_TOKEN');
    if (!token) {
      throw new TypeError('token: an API token is needed; pass token or set ARGMAX_TOKEN');
    }
    const timeoutMs = options.timeoutMs ?? 60_000;
    if (!(timeoutMs > 0)) {
      throw new RangeError(`timeoutMs: expected a positive number, got ${timeoutMs}`);
    }

    const retry = retryPolicy(options.retry);
    this.transport = new Transport({ url, token, timeoutMs, retry });
    this.warn = options.onWarning ?? processWarning;
  }

  /** Any route, below /v1: `client.request('GET', '/tokens/self')`. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<T> {
    return this.transport.request<T>(method, path, options);
  }

  /** Every item of a list route, following `paging.before` to the older pages. */
  async *pages<T>(path: string, query: Query = {}): AsyncGenerator<T> {
    const params: Query = { ...query };
    for (;;) {
      const page = await this.transport.request<Page<T>>('GET', path, { query: params });
      yield* page.data;
      if (page.paging.before === null) return;
      params.before = page.paging.before;
    }
  }

  private async all<T>(path: string, query: Query = {}): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this.pages<T>(path, query)) items.push(item);
    return items;
  }

  // Experiments

  createExperiment(fields: ExperimentFields): Promise<ExperimentData> {
    return this.request('POST', '/experiments', { body: fields });
  }

  fetchExperiment(experiment: Ref): Promise<ExperimentData> {
    return this.request('GET', experimentPath(experiment));
  }

  /** Experiments newest first; `state` is active (the default), deleted or all. */
  listExperiments(query: ListQuery<'GET /experiments'> = {}): Promise<ExperimentData[]> {
    return this.all('/experiments', query);
  }

  /** Changes only the fields given (name, metadata, observation_budget, ...). */
  updateExperiment(experiment: Ref, fields: ExperimentUpdate): Promise<ExperimentData> {
    return this.request('PUT', experimentPath(experiment), { body: fields });
  }

  async deleteExperiment(experiment: Ref): Promise<void> {
    await this.request('DELETE', experimentPath(experiment));
  }

  /**
   * The active experiment called `name`, or a new one made from `fields`. One that
   * exists is used as it is (its space is not compared). Workers that start at the
   * same moment get the same new experiment: the creation carries an Idempotency-Key
   * made from the request, so the server answers the later ones with the first's.
   */
  async createOrResume(name: string, fields: Omit<ExperimentFields, 'name'>): Promise<Experiment> {
    const found = await this.findActive(name);
    if (found) return new Experiment(this, found);

    const body = { ...fields, name };
    const idempotencyKey = await creationKey(body);
    const created = await this.request<ExperimentData>('POST', '/experiments', {
      body,
      idempotencyKey,
    });
    const current = await this.stillMatching(created, name);
    // A replay of an experiment deleted or renamed since: make a fresh one.
    return new Experiment(this, current ?? (await this.createExperiment(body)));
  }

  /** A handle on an experiment, for the loop helpers. */
  async experiment(experiment: Ref | ExperimentData): Promise<Experiment> {
    const data = isExperimentData(experiment) ? experiment : await this.fetchExperiment(experiment);
    return new Experiment(this, data);
  }

  private async findActive(name: string): Promise<ExperimentData | undefined> {
    const query = { state: 'active', search: name };
    for await (const experiment of this.pages<ExperimentData>('/experiments', query)) {
      if (experiment.name === name) return experiment;
    }
    return undefined;
  }

  private async stillMatching(experiment: ExperimentData, name: string) {
    try {
      const current = await this.fetchExperiment(experiment);
      return current.state === 'active' && current.name === name ? current : undefined;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  // Suggestions

  /** The optimizer's next point, or with `assignments` a point of your own. */
  createSuggestion(
    experiment: Ref,
    fields: Routes['POST /experiments/{id}/suggestions']['body'] = {},
  ): Promise<Suggestion> {
    return this.request('POST', suggestionPath(experiment), { body: fields });
  }

  fetchSuggestion(experiment: Ref, suggestion: Ref): Promise<Suggestion> {
    return this.request('GET', suggestionPath(experiment, suggestion));
  }

  /** Suggestions newest first; `state` is open, closed or all, `ids` picks some. */
  listSuggestions(
    experiment: Ref,
    query: Omit<ListQuery<'GET /experiments/{id}/suggestions'>, 'id'> & { ids?: Ref[] } = {},
  ): Promise<Suggestion[]> {
    const { ids, ...rest } = query;
    return this.all(suggestionPath(experiment), { ...rest, id: ids?.map(refId) });
  }

  updateSuggestion(
    experiment: Ref,
    suggestion: Ref,
    metadata: Metadata | null,
  ): Promise<Suggestion> {
    return this.request('PUT', suggestionPath(experiment, suggestion), { body: { metadata } });
  }

  async deleteSuggestion(experiment: Ref, suggestion: Ref): Promise<void> {
    await this.request('DELETE', suggestionPath(experiment, suggestion));
  }

  /** Deletes every suggestion, or with `{ state: 'open' }` the open ones (after workers died). */
  async deleteSuggestions(
    experiment: Ref,
    query: Routes['DELETE /experiments/{id}/suggestions']['query'] = {},
  ): Promise<void> {
    await this.request('DELETE', suggestionPath(experiment), { query });
  }

  /** Extends an open suggestion's lease (by the experiment's lease length by default). */
  renewLease(experiment: Ref, suggestion: Ref, options: { seconds?: number } = {}) {
    const path = `${suggestionPath(experiment, suggestion)}/lease`;
    return this.request<Suggestion>('POST', path, { body: options });
  }

  // Queued suggestions

  createQueuedSuggestion(
    experiment: Ref,
    assignments: Assignments,
    metadata?: Metadata,
  ): Promise<QueuedSuggestion> {
    const body = metadata === undefined ? { assignments } : { assignments, metadata };
    return this.request('POST', queuedPath(experiment), { body });
  }

  listQueuedSuggestions(experiment: Ref): Promise<QueuedSuggestion[]> {
    return this.all(queuedPath(experiment));
  }

  fetchQueuedSuggestion(experiment: Ref, queued: Ref): Promise<QueuedSuggestion> {
    return this.request('GET', queuedPath(experiment, queued));
  }

  async deleteQueuedSuggestion(experiment: Ref, queued: Ref): Promise<void> {
    await this.request('DELETE', queuedPath(experiment, queued));
  }

  // Observations

  /**
   * Reports a result for a suggestion (or for `assignments` of your own): `value` for
   * one metric, `values` as a list of metric evaluations or an object from metric name
   * to value, or `failed: true`.
   */
  createObservation(experiment: Ref, fields: ObservationInput): Promise<Observation> {
    return this.request('POST', observationPath(experiment), { body: observationBody(fields) });
  }

  /** Up to 2500 observations at once, stored all together or not at all. */
  async createObservations(
    experiment: Ref,
    observations: readonly ObservationInput[],
    options: { no_optimize?: boolean } = {},
  ): Promise<Observation[]> {
    const path = `${observationPath(experiment)}/batch`;
    const body = { ...options, observations: observations.map(observationBody) };
    const page = await this.request<Page<Observation>>('POST', path, { body });
    return page.data;
  }

  fetchObservation(experiment: Ref, observation: Ref): Promise<Observation> {
    return this.request('GET', observationPath(experiment, observation));
  }

  /** Observations newest first. */
  listObservations(
    experiment: Ref,
    query: ListQuery<'GET /experiments/{id}/observations'> = {},
  ): Promise<Observation[]> {
    return this.all(observationPath(experiment), query);
  }

  updateObservation(
    experiment: Ref,
    observation: Ref,
    fields: ObservationUpdate,
  ): Promise<Observation> {
    return this.request('PUT', observationPath(experiment, observation), { body: fields });
  }

  async deleteObservation(experiment: Ref, observation: Ref): Promise<void> {
    await this.request('DELETE', observationPath(experiment, observation));
  }

  async deleteObservations(experiment: Ref): Promise<void> {
    await this.request('DELETE', observationPath(experiment));
  }

  /** The best observation, or the Pareto front for two optimized metrics. */
  bestAssignments(experiment: Ref): Promise<BestAssignments[]> {
    return this.all(`${experimentPath(experiment)}/best_assignments`);
  }

  // Tokens

  /** The calling token (its value is not shown). */
  fetchToken(): Promise<Token> {
    return this.request('GET', '/tokens/self');
  }
}

/** The wire body of an observation: ids as strings, `values` by name turned into a list. */
export function observationBody(fields: ObservationInput): ObservationFields {
  const { suggestion, values, ...rest } = fields;
  const body: ObservationFields = { ...rest };
  if (suggestion !== undefined) body.suggestion = suggestion === null ? null : refId(suggestion);
  if (values !== undefined) body.values = values === null ? null : metricValues(values);
  return body;
}

/** Metric values as the wire's list; an object from metric name to value becomes one entry each. */
export function metricValues(
  values: readonly MetricValue[] | Readonly<Record<string, number>>,
): MetricValue[] {
  if (isMetricList(values)) return [...values];
  return Object.entries(values).map(([name, value]) => ({ name, value }));
}

function isMetricList(
  values: readonly MetricValue[] | Readonly<Record<string, number>>,
): values is readonly MetricValue[] {
  return Array.isArray(values);
}

function isExperimentData(value: unknown): value is ExperimentData {
  return typeof value === 'object' && value !== null && 'object' in value && 'parameters' in value;
}

/** JSON with object keys sorted at every level, so that equal requests give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const fields = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

async function creationKey(body: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(canonicalJson(body));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `argmax-create-or-resume-${hex}`;
}

const experimentPath = (experiment: Ref) => `/experiments/${encodeURIComponent(refId(experiment))}`;

type Collection = 'suggestions' | 'queued_suggestions' | 'observations';

function childPath(experiment: Ref, collection: Collection, child?: Ref): string {
  const path = `${experimentPath(experiment)}/${collection}`;
  return child === undefined ? path : `${path}/${encodeURIComponent(refId(child))}`;
}

const suggestionPath = (experiment: Ref, suggestion?: Ref) =>
  childPath(experiment, 'suggestions', suggestion);
const queuedPath = (experiment: Ref, queued?: Ref) =>
  childPath(experiment, 'queued_suggestions', queued);
const observationPath = (experiment: Ref, observation?: Ref) =>
  childPath(experiment, 'observations', observation);
