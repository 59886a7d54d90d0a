// Hands out the trials of one loop, or of the workers of one run, until the budget is used.
import type { Experiment } from './experiment.ts';
import { Trial } from './trial.ts';

/** Runs async sections one at a time, in the order they were asked for. */
class Queue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * A trial is reserved before its suggestion is asked for and counted until it is
 * reported, so that the workers of one process never ask for more suggestions than
 * the observation budget leaves. Workers in other processes are not counted:
 * together they may overshoot by one trial each.
 */
export class Budget {
  started = 0;
  inFlight = 0;
  private stopped = false;
  private readonly queue = new Queue();

  constructor(
    readonly experiment: Experiment,
    readonly maxTrials: number | undefined,
  ) {}

  async nextTrial(): Promise<Trial | undefined> {
    if (!(await this.queue.run(() => this.reserve()))) return undefined;
    try {
      const suggestion = await this.experiment.client.createSuggestion(this.experiment.id);
      return new Trial(this.experiment, suggestion, () => this.release());
    } catch (error) {
      this.release();
      throw error;
    }
  }

  stop(): void {
    this.stopped = true;
  }

  private async reserve(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.maxTrials !== undefined && this.started >= this.maxTrials) return false;
    const experiment = await this.experiment.refresh();
    if (experiment.state !== 'active' || this.stopped) return false;
    const budget = experiment.observationBudget;
    if (budget !== null && experiment.budgetUsed + this.inFlight >= budget) return false;
    this.started += 1;
    this.inFlight += 1;
    return true;
  }

  private release(): void {
    // In turn with reservations: one whose progress was read before this trial was stored
    // still counts it as in flight, so the budget is not overshot.
    void this.queue.run(async () => {
      this.inFlight -= 1;
    });
  }
}
