// The callback form: n concurrent workers in one process over one budget.
import type { Budget } from './budget.ts';
import { ApiError } from './errors.ts';
import type { Trial } from './trial.ts';
import type { Assignments, Result } from './types.ts';

/** Metadata values hold at most this many characters. */
const metadataValueLimit = 500;

export type TrialFunction = (assignments: Assignments, trial: Trial) => Result | Promise<Result>;

export interface RunOptions {
  /** Concurrent workers in this process (1). */
  workers?: number;
  /** Stop after this many trials in all, even when budget is left. */
  maxTrials?: number;
}

export interface RunSummary {
  /** Trials reported, failed ones included. */
  reported: number;
  failed: number;
  /** What the callback threw, in the order it happened. */
  errors: unknown[];
}

interface Workers {
  budget: Budget;
  workers: number;
  loop: (budget: Budget) => AsyncGenerator<Trial, void, undefined>;
}

export async function runWorkers(fn: TrialFunction, options: Workers): Promise<RunSummary> {
  const { budget, loop } = options;
  const summary: RunSummary = { reported: 0, failed: 0, errors: [] };
  const fatal: unknown[] = [];

  const work = async () => {
    try {
      for await (const trial of loop(budget)) await evaluate(trial, fn, summary);
    } catch (error) {
      fatal.push(error);
      budget.stop();
    }
  };
  await Promise.all(Array.from({ length: options.workers }, work));

  if (fatal.length > 0) throw fatal[0];
  return summary;
}

async function evaluate(trial: Trial, fn: TrialFunction, summary: RunSummary): Promise<void> {
  try {
    const result = await fn(trial.assignments, trial);
    // A callback may report the trial itself; then what it returns is not needed.
    if (trial.reported) await trial.settle();
    else await trial.report(result);
  } catch (error) {
    if (isClientFailure(error)) throw error;
    await fail(trial, error, summary);
    return;
  }
  summary.reported += 1;
}

/** No answer, or the server failing: the next trial would fare no better. */
function isClientFailure(error: unknown): boolean {
  return error instanceof ApiError && (error.status === null || error.status >= 500);
}

async function fail(trial: Trial, error: unknown, summary: RunSummary): Promise<void> {
  const text = describe(error).slice(0, metadataValueLimit);
  trial.experiment.client.warn(`trial ${trial.id} failed: ${text}`, error);
  summary.errors.push(error);
  summary.reported += 1;
  if (trial.reported) {
    // The callback reported before it threw: that result stands.
    await trial.settle();
    return;
  }
  await trial.fail({ error: text });
  summary.failed += 1;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
