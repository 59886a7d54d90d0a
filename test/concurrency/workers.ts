import { type Answer, FaultyClient, type Random, sleep } from './client.ts';

// Simulated training workers: ask for a suggestion, "train" for a few
// milliseconds, report the observation. Each keeps a ledger of what the
// server acknowledged, to be compared with the database afterwards.

export interface Ledger {
  /** Suggestion ids the server answered with. */
  suggestions: Set<string>;
  /** Acknowledged observations: observation id to the suggestion it reports. */
  observations: Map<string, string>;
  /** Suggestions the worker deleted on purpose. */
  deleted: Set<string>;
  /** Suggestions the worker left open on purpose (it stopped before reporting). */
  leftOpen: Set<string>;
}

export function newLedger(): Ledger {
  return {
    suggestions: new Set(),
    observations: new Map(),
    deleted: new Set(),
    leftOpen: new Set(),
  };
}

export interface WorkerPlan {
  client: FaultyClient;
  random: Random;
  experiments: string[];
  trials: number;
  ledger: Ledger;
  /** Chance that a trial's suggestion is deleted instead of reported. */
  deleteChance: number;
  /** Chance that the worker asks once more at the end and never reports. */
  leaveOpenChance: number;
}

/** The function the workers "train": any value works, the service only has to keep it. */
const score = (assignments: Record<string, unknown>) =>
  Object.values(assignments).reduce<number>(
    (sum, value) => sum + (typeof value === 'number' ? Math.sin(value) : String(value).length),
    0,
  );

function expectOk(answer: Answer, what: string): Record<string, unknown> {
  if (answer.status !== 200 || answer.body === null) {
    throw new Error(`${what} answered ${answer.status}: ${answer.text}`);
  }
  return answer.body;
}

async function suggest(plan: WorkerPlan, experiment: string) {
  const answer = await plan.client.send({
    method: 'POST',
    path: `/v1/experiments/${experiment}/suggestions`,
  });
  const body = expectOk(answer, 'a suggestion');
  const id = String(body.id);
  plan.ledger.suggestions.add(id);
  return { id, assignments: body.assignments as Record<string, unknown> };
}

async function trial(plan: WorkerPlan, experiment: string): Promise<void> {
  const { client, random, ledger } = plan;
  const suggestion = await suggest(plan, experiment);

  if (random() < plan.deleteChance) {
    const path = `/v1/experiments/${experiment}/suggestions/${suggestion.id}`;
    expectOk(await client.send({ method: 'DELETE', path }), 'deleting a suggestion');
    ledger.deleted.add(suggestion.id);
    return;
  }

  await sleep(2 + random() * 6);
  const failed = random() < 0.05;
  const answer = await client.send({
    method: 'POST',
    path: `/v1/experiments/${experiment}/observations`,
    body: failed
      ? { suggestion: suggestion.id, failed: true }
      : {
          suggestion: suggestion.id,
          values: [{ name: 'y', value: score(suggestion.assignments) }],
        },
  });
  const observation = expectOk(answer, 'an observation');
  ledger.observations.set(String(observation.id), String(observation.suggestion));
}

export async function runWorker(plan: WorkerPlan): Promise<void> {
  for (let step = 0; step < plan.trials; step++) {
    const experiment = plan.experiments[step % plan.experiments.length] ?? '';
    await trial(plan, experiment);
  }
  if (plan.random() < plan.leaveOpenChance) {
    const experiment = plan.experiments[0] ?? '';
    const suggestion = await suggest(plan, experiment);
    plan.ledger.leftOpen.add(suggestion.id);
  }
}

/** Every worker's ledger in one. */
export function mergeLedgers(ledgers: Ledger[]): Ledger {
  const merged = newLedger();
  for (const ledger of ledgers) {
    ledger.suggestions.forEach((id) => merged.suggestions.add(id));
    ledger.observations.forEach((suggestion, id) => merged.observations.set(id, suggestion));
    ledger.deleted.forEach((id) => merged.deleted.add(id));
    ledger.leftOpen.forEach((id) => merged.leftOpen.add(id));
  }
  return merged;
}
