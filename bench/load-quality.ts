// Optimizer quality through the real service: Hartmann-6 with the same
// budget of evaluations, once by one worker (parallel_bandwidth 1) and once by
// eight workers at a time (parallel_bandwidth 8). Each repetition is a new
// pair of experiments; the service seeds its optimizer from the experiment.
// Every evaluation takes a simulated training time (by default 200 to 400 ms),
// as a real one would: with instant evaluations eight workers would outrun any
// background optimizer and the comparison would measure the pool's refresh
// time instead of the optimizer.

import { createRandom } from '../src/engine/random.ts';
import { findProblem } from './problems.ts';
import type { LoadClient } from './load-client.ts';

export interface QualityResult {
  seeds: number;
  /** The simulated training time of one evaluation, in ms (uniform in [ms, 2 ms]). */
  evaluationMs: number;
  budget: number;
  /** Simple regret (best found minus the known minimum) of each repetition. */
  sequential: number[];
  parallel: number[];
  seconds: { sequential: number[]; parallel: number[] };
}

const hartmann6 = findProblem('hartmann6');

async function createExperiment(client: LoadClient, bandwidth: number): Promise<string> {
  const answer = await client.request('POST', '/v1/experiments', {
    name: `hartmann6, ${bandwidth} at a time`,
    parameters: hartmann6.parameters.map((parameter) => ({
      name: parameter.name,
      type: 'double',
      bounds: { min: 0, max: 1 },
    })),
    metrics: [{ name: 'f', objective: 'minimize' }],
    observation_budget: hartmann6.budget,
    parallel_bandwidth: bandwidth,
  });
  if (answer.status !== 200) throw new Error(`creating the experiment: ${answer.status}`);
  return String(answer.body?.id);
}

/** `bandwidth` workers share the budget; resolves with the regret and the seconds taken. */
async function optimize(client: LoadClient, bandwidth: number, evaluationMs: number, seed: number) {
  const start = Date.now();
  const random = createRandom(seed * 31 + bandwidth);
  const experiment = await createExperiment(client, bandwidth);
  const base = `/v1/experiments/${experiment}`;
  let claimed = 0;
  let best = Infinity;

  const worker = async () => {
    while (claimed < hartmann6.budget) {
      claimed++;
      const suggestion = await client.request('POST', `${base}/suggestions`);
      if (suggestion.status !== 200) throw new Error(`suggestion: ${suggestion.status}`);
      const assignments = suggestion.body?.assignments as Record<string, number>;
      const value = hartmann6.evaluate(assignments);
      await new Promise((resolve) => setTimeout(resolve, evaluationMs * (1 + random())));
      best = Math.min(best, value);
      const observed = await client.request('POST', `${base}/observations`, {
        suggestion: suggestion.body?.id,
        values: [{ name: 'f', value }],
      });
      if (observed.status !== 200) throw new Error(`observation: ${observed.status}`);
    }
  };
  await Promise.all(Array.from({ length: bandwidth }, worker));
  return { regret: best - hartmann6.optimum.value, seconds: (Date.now() - start) / 1000 };
}

/** Both arms of a repetition run side by side, so that machine load affects them alike. */
export async function runQuality(
  client: LoadClient,
  seeds: number,
  evaluationMs = 200,
): Promise<QualityResult> {
  const result: QualityResult = {
    seeds,
    evaluationMs,
    budget: hartmann6.budget,
    sequential: [],
    parallel: [],
    seconds: { sequential: [], parallel: [] },
  };
  for (let seed = 0; seed < seeds; seed++) {
    const [one, eight] = await Promise.all([
      optimize(client, 1, evaluationMs, seed),
      optimize(client, 8, evaluationMs, seed),
    ]);
    result.sequential.push(one.regret);
    result.parallel.push(eight.regret);
    result.seconds.sequential.push(one.seconds);
    result.seconds.parallel.push(eight.seconds);
    console.log(JSON.stringify({ seed, one, eight }));
  }
  return result;
}
