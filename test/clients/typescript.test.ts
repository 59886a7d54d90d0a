import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  Client,
  type ExperimentFields,
  type Observation,
} from '../../clients/typescript/src/index.ts';
import { type ServerProcess, startServer } from '../helpers/server.ts';

// The TypeScript client against the real server process on PGlite: every route it
// wraps, paging, the loop and the callback form to the budget, failed trials, and
// leases kept alive while a trial runs longer than the lease.

const token = 'typescript-client-0123456789abcd';

let server: ServerProcess;
let dataDir: string;
let client: Client;
const warnings: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'argmax-ts-client-'));
  server = await startServer({ ARGMAX_TOKEN: token, DATA_DIR: dataDir });
  client = new Client({
    url: server.url,
    token,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    onWarning: (message) => warnings.push(message),
  });
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

let names = 0;
function space(fields: Partial<ExperimentFields> = {}): ExperimentFields {
  names += 1;
  return {
    name: `ts-client-${names}`,
    parameters: [
      { name: 'x', type: 'double', bounds: { min: 0, max: 1 } },
      { name: 'n', type: 'int', bounds: { min: 1, max: 50 } },
    ],
    metrics: [{ name: 'score', objective: 'maximize' }],
    ...fields,
  };
}

const score = (assignments: Record<string, number | string>) =>
  1 - (Number(assignments.x) - 0.3) ** 2 + Number(assignments.n) / 100;

describe('connecting', () => {
  it('reads ARGMAX_URL and ARGMAX_TOKEN, and adds /v1 to the address', async () => {
    const saved = { ARGMAX_URL: process.env.ARGMAX_URL, ARGMAX_TOKEN: process.env.ARGMAX_TOKEN };
    try {
      process.env.ARGMAX_URL = `${server.url}/`;
      process.env.ARGMAX_TOKEN = token;
      const fromEnvironment = new Client();
      expect(fromEnvironment.transport.base).toBe(`${server.url}/v1`);
      expect((await fromEnvironment.fetchToken()).object).toBe('token');

      delete process.env.ARGMAX_URL;
      delete process.env.ARGMAX_TOKEN;
      expect(new Client({ token }).transport.base).toBe('http://127.0.0.1:8080/v1');
      expect(new Client({ url: `${server.url}/v1`, token }).transport.base).toBe(
        `${server.url}/v1`,
      );
      expect(() => new Client()).toThrow(/token: an API token is needed/);
      expect(() => new Client({ url: 'argmax:8080', token })).toThrow(/url: expected an http/);
      expect(() => new Client({ token, retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts/);
      expect(() => new Client({ token, timeoutMs: -1 })).toThrow(/timeoutMs: expected a positive/);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});

describe('the TypeScript client, route by route', () => {
  it('creates, fetches, lists, updates and deletes experiments', async () => {
    const created = await client.createExperiment(space({ metadata: { owner: 'ts' } }));
    expect(created).toMatchObject({ object: 'experiment', state: 'active' });

    const fetched = await client.fetchExperiment(created.id);
    expect(fetched.name).toBe(created.name);
    const listed = await client.listExperiments({ search: created.name });
    expect(listed.map((experiment) => experiment.id)).toEqual([created.id]);

    const renamed = await client.updateExperiment(created, { name: `${created.name}-renamed` });
    expect(renamed.name).toBe(`${created.name}-renamed`);

    await client.deleteExperiment(created.id);
    expect((await client.fetchExperiment(created.id)).state).toBe('deleted');
    const deleted = await client.listExperiments({ state: 'deleted' });
    expect(deleted.map((experiment) => experiment.id)).toContain(created.id);
  });

  it('throws ApiError with the status, the message naming the field, and the body', async () => {
    const error = await client
      .createExperiment({ ...space(), parameters: [{ name: 'x', type: 'double' }] })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, body: { status: 400 } });
    expect((error as ApiError).message).toMatch(/bounds/);
    await expect(client.fetchExperiment('987654')).rejects.toMatchObject({ status: 404 });
  });

  it('creates, fetches, lists, updates and deletes suggestions', async () => {
    const experiment = await client.createExperiment(space());
    const first = await client.createSuggestion(experiment);
    const chosen = await client.createSuggestion(experiment.id, {
      assignments: { x: 0.5, n: 7 },
      metadata: { source: 'hand' },
    });
    expect(chosen.assignments).toEqual({ x: 0.5, n: 7 });
    expect((await client.fetchSuggestion(experiment, first)).id).toBe(first.id);

    const updated = await client.updateSuggestion(experiment, first.id, { note: 'kept' });
    expect(updated.metadata).toEqual({ note: 'kept' });
    const some = await client.listSuggestions(experiment, { ids: [first] });
    expect(some.map((suggestion) => suggestion.id)).toEqual([first.id]);

    await client.createObservation(experiment, { suggestion: chosen, value: 1 });
    const open = await client.listSuggestions(experiment, { state: 'open' });
    expect(open.map((suggestion) => suggestion.id)).toEqual([first.id]);

    await client.deleteSuggestion(experiment, first);
    await expect(client.fetchSuggestion(experiment, first)).rejects.toMatchObject({ status: 404 });
    await client.createSuggestion(experiment);
    await client.deleteSuggestions(experiment, { state: 'open' });
    expect(await client.listSuggestions(experiment, { state: 'open' })).toEqual([]);
    expect(await client.listSuggestions(experiment)).toHaveLength(1);
  });

  it('serves queued suggestions first and lists, fetches and deletes them', async () => {
    const experiment = await client.createExperiment(space());
    const queued = await client.createQueuedSuggestion(experiment, { x: 0.25, n: 3 });
    const other = await client.createQueuedSuggestion(experiment, { x: 0.75, n: 4 }, { a: 1 });
    expect((await client.listQueuedSuggestions(experiment)).map((q) => q.id).sort()).toEqual(
      [queued.id, other.id].sort(),
    );
    expect((await client.fetchQueuedSuggestion(experiment, other)).metadata).toEqual({ a: 1 });

    await client.deleteQueuedSuggestion(experiment, other);
    const served = await client.createSuggestion(experiment);
    expect(served.assignments).toEqual({ x: 0.25, n: 3 });
    expect(await client.listQueuedSuggestions(experiment)).toEqual([]);
  });

  it('creates, fetches, lists, updates and deletes observations', async () => {
    const experiment = await client.createExperiment(
      space({
        metrics: [{ name: 'accuracy' }, { name: 'loss', objective: 'minimize' }],
        observation_budget: 10,
      }),
    );
    const suggestion = await client.createSuggestion(experiment);
    const byName = await client.createObservation(experiment, {
      suggestion,
      values: { accuracy: 0.8, loss: 0.4 },
    });
    expect(byName.values.map((value) => [value.name, value.value])).toEqual([
      ['accuracy', 0.8],
      ['loss', 0.4],
    ]);
    const failed = await client.createObservation(experiment, {
      assignments: { x: 0.1, n: 2 },
      failed: true,
      metadata: { reason: 'diverged' },
    });
    expect(failed).toMatchObject({ failed: true, values: [] });

    const changed = await client.updateObservation(experiment, byName, { metadata: { run: 2 } });
    expect(changed.metadata).toEqual({ run: 2 });
    expect((await client.fetchObservation(experiment, byName.id)).metadata).toEqual({ run: 2 });
    expect((await client.listObservations(experiment)).map((o) => o.id)).toEqual([
      failed.id,
      byName.id,
    ]);

    await client.deleteObservation(experiment, failed);
    expect(await client.listObservations(experiment)).toHaveLength(1);
    await client.deleteObservations(experiment);
    expect(await client.listObservations(experiment)).toEqual([]);
  });

  it('creates a batch of observations and names the best assignments', async () => {
    const experiment = await client.createExperiment(space());
    const batch = [0.1, 0.3, 0.9].map((x) => ({ assignments: { x, n: 10 }, value: -x }));
    const created = await client.createObservations(experiment, batch);

    expect(created.map((observation) => observation.value)).toEqual([-0.1, -0.3, -0.9]);
    const best = await client.bestAssignments(experiment);
    expect(best.map((entry) => entry.assignments)).toEqual([{ x: 0.1, n: 10 }]);
  });

  it('answers any route through request()', async () => {
    const self = await client.request<{ object: string }>('GET', '/tokens/self');
    expect(self.object).toBe('token');
    expect((await client.fetchToken()).object).toBe('token');
  });
});

describe('lists', () => {
  it('reads every page of observations, newest first, without repeats', async () => {
    const experiment = await client.createExperiment(space());
    const batch = Array.from({ length: 23 }, (_, i) => ({
      assignments: { x: i / 23, n: 1 + i },
      value: i,
    }));
    await client.createObservations(experiment, batch);

    const listed = await client.listObservations(experiment, { limit: 5 });
    expect(listed.map((observation) => observation.value)).toEqual(
      Array.from({ length: 23 }, (_, i) => 22 - i),
    );
  });

  it('reads every page of experiments', async () => {
    const prefix = `paged-${Date.now()}`;
    for (let i = 0; i < 5; i++) await client.createExperiment(space({ name: `${prefix}-${i}` }));

    const listed = await client.listExperiments({ search: prefix, limit: 2 });
    expect(listed.map((experiment) => experiment.name)).toEqual(
      [4, 3, 2, 1, 0].map((i) => `${prefix}-${i}`),
    );
  });
});

describe('createOrResume', () => {
  it('gives workers that start together one experiment, and resumes it later', async () => {
    const { name, ...fields } = space();
    const started = await Promise.all([1, 2, 3].map(() => client.createOrResume(name, fields)));

    expect(new Set(started.map((experiment) => experiment.id)).size).toBe(1);
    expect(await client.listExperiments({ search: name })).toHaveLength(1);
    const resumed = await client.createOrResume(name, fields);
    expect(resumed.id).toBe(started[0]?.id);
  });
});

describe('the loop', () => {
  it('yields trials until the observation budget is used', async () => {
    const { name, ...fields } = space({ observation_budget: 5 });
    const experiment = await client.createOrResume(name, fields);

    let trials = 0;
    for await (const trial of experiment.loop()) {
      trials += 1;
      expect(Object.keys(trial.assignments).sort()).toEqual(['n', 'x']);
      await trial.report(score(trial.assignments));
    }

    expect(trials).toBe(5);
    expect(await client.listObservations(experiment)).toHaveLength(5);
    expect(await client.listSuggestions(experiment, { state: 'open' })).toEqual([]);
    expect(await experiment.bestAssignments()).toHaveLength(1);
  });

  it('reports several metrics, failures, and a trial left unreported as failed', async () => {
    const { name, ...fields } = space({
      observation_budget: 3,
      metrics: [{ name: 'accuracy' }, { name: 'seconds', strategy: 'store' }],
    });
    const experiment = await client.createOrResume(name, fields);

    let step = 0;
    for await (const trial of experiment.loop()) {
      step += 1;
      if (step === 1) await trial.report({ accuracy: 0.7, seconds: 12 });
      if (step === 2) await trial.fail({ reason: 'out of memory' });
      // The third is never reported: the loop reports it as failed when it ends.
    }

    const observations = (await client.listObservations(experiment)).reverse();
    expect(observations.map((observation) => observation.failed)).toEqual([false, true, true]);
    expect(observations[0]?.values.map((value) => value.value)).toEqual([0.7, 12]);
    expect(observations[1]?.metadata).toEqual({ reason: 'out of memory' });
    expect(observations[2]?.metadata).toEqual({ error: 'not reported before the next trial' });
  });

  it('stops at maxTrials, and refuses a second report of one trial', async () => {
    const experiment = await client.experiment(await client.createExperiment(space()));

    for await (const trial of experiment.loop({ maxTrials: 2 })) {
      await trial.report(1);
      expect(() => trial.report(2)).toThrow(/already reported/);
    }

    expect(await client.listObservations(experiment)).toHaveLength(2);
    expect(() => experiment.loop({ maxTrials: 0 })).toThrow(/maxTrials: expected a positive/);
  });
});

describe('the callback form', () => {
  it('runs several workers at once over one budget, each suggestion observed once', async () => {
    const { name, ...fields } = space({ observation_budget: 12, parallel_bandwidth: 4 });
    const experiment = await client.createOrResume(name, fields);
    let running = 0;
    let peak = 0;
    // The first trials wait (at most 10 s) until four run at once; one worker alone would not.
    const started = Date.now();
    const allRunning = async () => {
      while (peak < 4 && Date.now() - started < 10_000) await sleep(20);
    };

    const summary = await experiment.run(
      async (assignments) => {
        running += 1;
        peak = Math.max(peak, running);
        await allRunning();
        await sleep(50);
        running -= 1;
        return score(assignments);
      },
      { workers: 4 },
    );

    expect(summary).toEqual({ reported: 12, failed: 0, errors: [] });
    expect(peak).toBe(4);
    const observations = await client.listObservations(experiment);
    const suggestions = await client.listSuggestions(experiment);
    expect(observations).toHaveLength(12);
    expect(new Set(observations.map((observation) => observation.suggestion)).size).toBe(12);
    expect(suggestions).toHaveLength(12);
    expect(suggestions.every((suggestion) => suggestion.state === 'closed')).toBe(true);
  });

  it('reports a trial whose callback throws as failed, and goes on', async () => {
    const { name, ...fields } = space({ observation_budget: 8 });
    const experiment = await client.createOrResume(name, fields);
    let calls = 0;

    const summary = await experiment.run(
      (assignments) => {
        calls += 1;
        if (calls % 3 === 0) throw new RangeError(`diverged at x=${assignments.x}`);
        if (calls === 4) return Number.NaN;
        return { score: score(assignments) };
      },
      { workers: 2 },
    );

    expect(summary.reported).toBe(8);
    expect(summary.failed).toBe(3);
    expect(summary.errors.map((error) => (error as Error).name)).toEqual([
      'RangeError',
      'TypeError',
      'RangeError',
    ]);
    const failed = (await client.listObservations(experiment)).filter((o) => o.failed);
    expect(failed).toHaveLength(3);
    expect(failed.map((o: Observation) => o.metadata?.error).join()).toMatch(
      /RangeError: diverged/,
    );
    expect(warnings.some((warning) => warning.includes('failed: RangeError'))).toBe(true);
  });

  it('stops every worker on an error of the client itself and rejects with it', async () => {
    const experiment = await client.experiment(await client.createExperiment(space()));
    const revoked = new Client({ url: server.url, token: 'not-a-token-of-this-server-000000' });
    const stranger = await revoked.experiment(experiment.data);

    await expect(stranger.run(() => 1, { workers: 3 })).rejects.toMatchObject({ status: 401 });
  });
});

describe('leases', () => {
  it('offers a suggestion again once nobody renews its lease', async () => {
    const experiment = await client.createExperiment(space({ suggestion_lease_seconds: 1 }));
    const abandoned = await client.createSuggestion(experiment);
    expect(abandoned.lease_expires).not.toBeNull();

    await sleep(1500);
    const offered = await client.createSuggestion(experiment);
    expect(offered).toMatchObject({ retry_of: abandoned.id, attempt: 2 });
    expect(offered.assignments).toEqual(abandoned.assignments);
  });

  it('keeps the suggestion of a trial that runs past its lease open, and not offered again', async () => {
    const { name, ...fields } = space({ suggestion_lease_seconds: 2 });
    const experiment = await client.createOrResume(name, fields);

    for await (const trial of experiment.loop({ maxTrials: 1 })) {
      // Three lease lengths pass while other workers ask for points.
      const others = [];
      for (let i = 0; i < 3; i++) {
        await sleep(2100);
        const other = await client.createSuggestion(experiment);
        others.push(other.retry_of);
        await client.createObservation(experiment, { suggestion: other, value: 0 });
      }
      expect(others).toEqual([null, null, null]);
      expect((await client.fetchSuggestion(experiment, trial.id)).state).toBe('open');
      // One every 667 ms, about nine by now.
      expect(trial.leaseRenewals).toBeGreaterThanOrEqual(4);

      await trial.report(1);
      const renewals = trial.leaseRenewals;
      await sleep(1000);
      expect(trial.leaseRenewals).toBe(renewals);
    }

    const suggestions = await client.listSuggestions(experiment);
    expect(suggestions.map((suggestion) => suggestion.state)).toEqual(Array(4).fill('closed'));
  });
});
