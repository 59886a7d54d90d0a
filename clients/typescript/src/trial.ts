// One suggestion being evaluated: its result, and its lease kept alive meanwhile.
import type { ObservationInput } from './client.ts';
import type { Experiment } from './experiment.ts';
import { LeaseKeeper } from './lease.ts';
import type { Assignments, Metadata, Observation, Result, Suggestion } from './types.ts';

export interface ReportOptions {
  /** The value's standard deviation; for a single value (give it per metric in a list). */
  value_stddev?: number;
  metadata?: Metadata;
}

const ignore = () => undefined;

/**
 * A suggestion handed out by `Experiment.loop()`: read `assignments`, then call
 * `report` (or `fail`) once.
 */
export class Trial {
  observation: Observation | undefined;
  private reporting: Promise<Observation> | undefined;
  private readonly lease: LeaseKeeper | undefined;

  constructor(
    readonly experiment: Experiment,
    readonly suggestion: Suggestion,
    private readonly onDone: (trial: Trial) => void,
  ) {
    const seconds = experiment.leaseSeconds;
    if (seconds && suggestion.lease_expires !== null) {
      const renew = () => experiment.client.renewLease(experiment.id, suggestion.id);
      this.lease = new LeaseKeeper(renew, seconds, experiment.client.warn);
    }
  }

  get id(): string {
    return this.suggestion.id;
  }

  get assignments(): Assignments {
    return { ...this.suggestion.assignments };
  }

  /** Whether the result is stored. */
  get done(): boolean {
    return this.observation !== undefined;
  }

  /** Whether report or fail was called (the answer may still be on its way). */
  get reported(): boolean {
    return this.reporting !== undefined;
  }

  get leaseRenewals(): number {
    return this.lease?.renewals ?? 0;
  }

  /**
   * Reports the result: a number for the one metric, an object from metric name to
   * value (`{ accuracy: 0.91, loss: 0.3 }`), or a list of metric evaluations.
   */
  report(result: Result, options: ReportOptions = {}): Promise<Observation> {
    return this.observe({ ...resultFields(result, options.value_stddev), ...metadata(options) });
  }

  /** Reports that this point could not be evaluated (a failed observation). */
  fail(metadata?: Metadata): Promise<Observation> {
    return this.observe(metadata === undefined ? { failed: true } : { failed: true, metadata });
  }

  /** Stops renewing the lease (report and fail do it). */
  close(): void {
    this.lease?.stop();
  }

  /** Waits for the report in flight; reports the trial as failed when none was made. */
  async settle(): Promise<void> {
    if (!this.reporting) await this.fail({ error: 'not reported before the next trial' });
    else await this.reporting;
  }

  private observe(fields: Omit<ObservationInput, 'suggestion'>): Promise<Observation> {
    if (this.reporting) throw new Error(`trial ${this.id} was already reported`);
    const { client, id } = this.experiment;
    const reporting = client.createObservation(id, { ...fields, suggestion: this.id }).then(
      (observation) => this.finish(observation),
      (error: unknown) => {
        // Not stored: the caller may report again (with a new idempotency key).
        this.reporting = undefined;
        throw error;
      },
    );
    // The loop awaits it before the next trial; a caller that does not must not crash the process.
    reporting.catch(ignore);
    this.reporting = reporting;
    return reporting;
  }

  private finish(observation: Observation): Observation {
    this.observation = observation;
    this.close();
    this.onDone(this);
    return observation;
  }
}

function metadata(options: ReportOptions): { metadata?: Metadata } {
  return options.metadata === undefined ? {} : { metadata: options.metadata };
}

function resultFields(result: Result, stddev: number | undefined): ObservationInput {
  if (typeof result === 'number') {
    if (!Number.isFinite(result)) {
      throw new TypeError(`value: expected a finite number, got ${result}; use trial.fail()`);
    }
    return stddev === undefined ? { value: result } : { value: result, value_stddev: stddev };
  }
  if (stddev !== undefined) {
    throw new TypeError('value_stddev goes with a single value; with several, give it per metric');
  }
  if (typeof result === 'object' && result !== null) return { values: result };
  throw new TypeError(
    `result: expected a number or metric values, got ${JSON.stringify(result) ?? String(result)}`,
  );
}
