// Optimizer quality through the real service: Hartmann-6 with the same
// budget of evaluations, once by one worker (parallel_bandwidth 1) and twice by
// eight workers at a time (parallel_bandwidth 8). Each repetition is a new set
// of experiments; the service seeds its optimizer from the experiment. Every
// evaluation takes a simulated training time, as a real one would: the short
// one (by default 200 to 400 ms) for the single worker and for the first
// eight, who then report faster than the background optimizer on this machine
// recomputes its pool, and a long one (ten times as long) for the second
// eight, whose trainings leave the optimizer time to keep up, as trainings of
// minutes would. A single worker always waits for the point that uses its
// latest observation, so its training time does not change its result.

import { createRandom } from '../src/engine/random.ts';
import { findProblem } from './problems.ts';
import type { LoadClient } from './load-client.ts';

export interface QualityResult {
  seeds: number;
  /** The simulated training time of one evaluation, in ms (uniform in [ms, 2 ms]). */
  evaluationMs: number;
  /** The long training time of the second parallel arm, likewise. */
  slowEvaluationMs: number;
  budget: number;
  /** Simple regret (best found minus the known minimum) of each repetition. */
  sequential: number[];
  parallel: number[];
  parallelSlow: number[];
  seconds: { sequential: number[]; parallel: number[]; parallelSlow: number[] };
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

/** The arms of a repetition run side by side, so that machine load affects them alike. */
export async function runQuality(
  client: LoadClient,
  seeds: number,
  evaluationMs = 200,
): Promise<QualityResult> {
  const slowEvaluationMs = evaluationMs * 10;
  const result: QualityResult = {
    seeds,
    evaluationMs,
    slowEvaluationMs,
    budget: hartmann6.budget,
    sequential: [],
    parallel: [],
    parallelSlow: [],
    seconds: { sequential: [], parallel: [], parallelSlow: [] },
  };
  for (let seed = 0; seed < seeds; seed++) {
    const [one, eight, eightSlow] = await Promise.all([
      optimize(client, 1, evaluationMs, seed),
      optimize(client, 8, evaluationMs, seed),
      optimize(client, 8, slowEvaluationMs, seed),
    ]);
    result.sequential.push(one.regret);
    result.parallel.push(eight.regret);
    result.parallelSlow.push(eightSlow.regret);
    result.seconds.sequential.push(one.seconds);
    result.seconds.parallel.push(eight.seconds);
    result.seconds.parallelSlow.push(eightSlow.seconds);
    console.log(JSON.stringify({ seed, one, eight, eightSlow }));
  }
  return result;
}
