// A handle on one experiment, and the worker loop over its suggestions.
import { Budget } from './budget.ts';
import type { Client } from './client.ts';
import { runWorkers, type RunOptions, type RunSummary, type TrialFunction } from './run.ts';
import type { Trial } from './trial.ts';
import type { BestAssignments, ExperimentData } from './types.ts';

export interface LoopOptions {
  /** Stop after this loop started this many trials, even when budget is left. */
  maxTrials?: number;
}

/** An experiment on the server; `data` is its JSON as last fetched. */
export class Experiment {
  constructor(
    readonly client: Client,
    public data: ExperimentData,
  ) {}

  get id(): string {
    return this.data.id;
  }

  get name(): string {
    return this.data.name;
  }

  get state(): ExperimentData['state'] {
    return this.data.state;
  }

  get observationBudget(): number | null {
    return this.data.observation_budget;
  }

  get leaseSeconds(): number | null {
    return this.data.suggestion_lease_seconds;
  }

  /** How much of the budget the observations of every worker used so far. */
  get budgetUsed(): number {
    const progress = this.data.progress;
    return progress.observation_budget_consumed ?? progress.observation_count;
  }

  async refresh(): Promise<this> {
    this.data = await this.client.fetchExperiment(this.id);
    return this;
  }

  bestAssignments(): Promise<BestAssignments[]> {
    return this.client.bestAssignments(this.id);
  }

  /**
   * Trials until the observation budget is used (or `maxTrials` were started). Before
   * each suggestion it reads the experiment's progress, so the budget counts every
   * worker's observations; without a budget it goes on until you break out.
   *
   * Report each trial before the next (the loop waits for a report still on its way);
   * one left unreported is reported as failed. Leaving early (break, a throw) leaves
   * the current suggestion open: with leases it expires and is offered again.
   */
  loop(options: LoopOptions = {}): AsyncGenerator<Trial, void, undefined> {
    return trials(new Budget(this, positive('maxTrials', options.maxTrials)));
  }

  /**
   * Calls `fn(assignments, trial)` from `workers` concurrent loops until the budget is
   * used. `fn` returns (or resolves to) the result: a number, an object from metric
   * name to value, or a list of metric evaluations. When it throws, the trial is
   * reported as failed with the error in its metadata and the worker goes on. An
   * error of the client itself (no answer after every retry, a revoked token) stops
   * every worker and rejects the returned promise.
   */
  run(fn: TrialFunction, options: RunOptions = {}): Promise<RunSummary> {
    const workers = positive('workers', options.workers) ?? 1;
    const budget = new Budget(this, positive('maxTrials', options.maxTrials));
    return runWorkers(fn, { budget, workers, loop: trials });
  }
}

export async function* trials(budget: Budget): AsyncGenerator<Trial, void, undefined> {
  let current: Trial | undefined;
  try {
    for (;;) {
      if (current) await current.settle();
      current = await budget.nextTrial();
      if (!current) return;
      yield current;
    }
  } finally {
    if (current && !current.reported) current.close();
  }
}

function positive(name: string, value: number | undefined): number | undefined {
  if (value === undefined || (Number.isInteger(value) && value > 0)) return value;
  throw new RangeError(`${name}: expected a positive integer, got ${value}`);
}
