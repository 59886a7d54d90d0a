import type { ObservationRecord } from '../domain/types.ts';
import { Batcher } from './batcher.ts';
import { insertObservations, type NewObservation } from './observations.ts';
import type { Sql } from './sql.ts';

// Single observations written together. A fleet's workers report one result
// each; those that arrive for the same experiment while its insert statement
// runs are written by the next statement, all at once (see Batcher). Every
// report is still answered only after the statement that holds it committed,
// and the statement is all or nothing: a report that cites a missing
// suggestion is answered alone and the others are written without it.

export type SingleOutcome =
  | { kind: 'written'; observation: ObservationRecord }
  /** The experiment is no longer at the revision given: nothing was written. */
  | { kind: 'stale' }
  /** The report cites a suggestion the experiment does not have: it was not written. */
  | { kind: 'missing' };

interface Report {
  experiment: { id: string; revision: number };
  input: NewObservation;
}

/** The most reports one statement writes. */
const MAX_BATCH = 250;

export class ObservationWriter {
  private readonly batcher: Batcher<Report, SingleOutcome>;

  constructor(private readonly sql: Sql) {
    this.batcher = new Batcher((reports) => this.writeAll(reports), MAX_BATCH);
  }

  /** Writes one observation of `experiment` (at its revision), with the others arriving now. */
  write(
    experiment: { id: string; revision: number },
    input: NewObservation,
  ): Promise<SingleOutcome> {
    return this.batcher.submit(`${experiment.id}@${experiment.revision}`, { experiment, input });
  }

  private async writeAll(reports: Report[]): Promise<SingleOutcome[]> {
    const outcomes: Array<SingleOutcome | null> = reports.map(() => null);
    const experiment = reports[0]?.experiment;
    let pending = reports.map((_, index) => index);
    while (experiment && pending.length > 0) {
      const inputs = pending.map((index) => (reports[index] as Report).input);
      const outcome = await insertObservations(this.sql, experiment, inputs);
      if (outcome.kind === 'stale') {
        for (const index of pending) outcomes[index] = { kind: 'stale' };
        break;
      }
      if (outcome.kind === 'missing') {
        // Nothing was written: answer the one, write the rest again.
        const missing = pending[outcome.index] as number;
        outcomes[missing] = { kind: 'missing' };
        pending = pending.filter((index) => index !== missing);
        continue;
      }
      outcome.observations.forEach((observation, at) => {
        outcomes[pending[at] as number] = { kind: 'written', observation };
      });
      break;
    }
    return outcomes.map((outcome) => outcome ?? { kind: 'stale' });
  }
}
