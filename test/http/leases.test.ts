import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/database.ts';
import {
  createExperiment,
  expectError,
  type Experiment,
  observe,
  openTestApp,
  type Page,
  type Suggestion,
  type TestApp,
} from '../helpers/app.ts';

// Leases for preempted workers: a suggestion neither observed nor renewed
// within the lease is offered again to the next worker that asks, with its
// attempt counted; the late report of the first worker is still kept.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const kind of backends) {
  describe(`leases on ${kind}`, () => {
    let api: TestApp;

    beforeAll(async () => {
      api = await openTestApp(kind);
    });

    afterAll(async () => {
      await api.close();
    });

    const suggest = async (experiment: Experiment) => {
      const reply = await api.post<Suggestion>(`/v1/experiments/${experiment.id}/suggestions`);
      expect(reply.status).toBe(200);
      return reply.body;
    };

    it('re-offers the point of a worker that vanished, and keeps its late report', async () => {
      const experiment = await createExperiment(api, { suggestion_lease_seconds: 1 });
      expect(experiment.suggestion_lease_seconds).toBe(1);

      const first = await suggest(experiment);
      expect(first.attempt).toBe(1);
      expect(first.retry_of).toBeNull();
      expect(first.lease_expires).toBeGreaterThanOrEqual(first.created);

      // The worker renews once while it trains, then vanishes.
      const renewed = await api.post<Suggestion>(
        `/v1/experiments/${experiment.id}/suggestions/${first.id}/lease`,
        { seconds: 1 },
      );
      expect(renewed.status).toBe(200);
      expect(renewed.body.lease_expires).toBeGreaterThanOrEqual(first.lease_expires ?? 0);
      await sleep(1300);

      const retry = await suggest(experiment);
      expect(retry.assignments).toEqual(first.assignments);
      expect(retry.attempt).toBe(2);
      expect(retry.retry_of).toBe(first.id);
      const old = await api.get<Suggestion>(
        `/v1/experiments/${experiment.id}/suggestions/${first.id}`,
      );
      expect(old.body.state).toBe('expired');

      // An expired lease cannot be renewed, but the late report is kept and closes it.
      expectError(
        await api.post(`/v1/experiments/${experiment.id}/suggestions/${first.id}/lease`),
        409,
        /expired/,
      );
      const late = await observe(api, experiment.id, {
        suggestion: first.id,
        values: [{ name: 'y', value: 0.5 }],
      });
      expect(late.suggestion).toBe(first.id);
      const closed = await api.get<Suggestion>(
        `/v1/experiments/${experiment.id}/suggestions/${first.id}`,
      );
      expect(closed.body.state).toBe('closed');

      // The retry is still open and is reported normally.
      await observe(api, experiment.id, {
        suggestion: retry.id,
        values: [{ name: 'y', value: 0.6 }],
      });
      const observations = await api.get<Page<unknown>>(
        `/v1/experiments/${experiment.id}/observations`,
      );
      expect(observations.body.count).toBe(2);
    });

    it('does not count an expired suggestion as open when choosing the next point', async () => {
      const experiment = await createExperiment(api, { suggestion_lease_seconds: 1 });
      const first = await suggest(experiment);
      await sleep(1300);
      const retry = await suggest(experiment);
      const fresh = await suggest(experiment);
      expect(retry.retry_of).toBe(first.id);
      expect(fresh.attempt).toBe(1);
      expect(fresh.assignments).not.toEqual(first.assignments);
      const open = await api.get<Page<Suggestion>>(`/v1/experiments/${experiment.id}/suggestions`, {
        query: { state: 'open' },
      });
      expect(open.body.data.map((s) => s.id).sort()).toEqual([retry.id, fresh.id].sort());
    });

    it('leaves experiments without leases as they were', async () => {
      const experiment = await createExperiment(api);
      expect(experiment.suggestion_lease_seconds).toBeNull();
      const suggestion = await suggest(experiment);
      expect(suggestion.lease_expires).toBeNull();
      expectError(
        await api.post(`/v1/experiments/${experiment.id}/suggestions/${suggestion.id}/lease`),
        400,
        /suggestion_lease_seconds/,
      );
    });

    it('takes leases up with PUT and rejects a bad lease length naming the field', async () => {
      const experiment = await createExperiment(api);
      const updated = await api.put<Experiment>(`/v1/experiments/${experiment.id}`, {
        suggestion_lease_seconds: 600,
      });
      expect(updated.body.suggestion_lease_seconds).toBe(600);
      const suggestion = await suggest(experiment);
      expect(suggestion.lease_expires).toBeGreaterThan(suggestion.created + 590);
      expectError(
        await api.put(`/v1/experiments/${experiment.id}`, { suggestion_lease_seconds: 0 }),
        400,
        /suggestion_lease_seconds/,
      );
      expectError(
        await api.post('/v1/experiments', {
          name: 'x',
          suggestion_lease_seconds: 'soon',
          parameters: [],
        }),
        400,
        /suggestion_lease_seconds/,
      );
    });
  });
}
