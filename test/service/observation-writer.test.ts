import { describe, expect, it } from 'vitest';

import type { ExperimentDef } from '../../src/domain/types.ts';
import { ObservationWriter } from '../../src/store/observation-writer.ts';
import { readObservationSnapshot, readObservations } from '../../src/store/observations.ts';
import { countingSql } from '../helpers/counting-sql.ts';
import { backends } from '../helpers/database.ts';
import { clientDatabase, storedExperiment } from '../helpers/experiments.ts';

// Single reports that arrive together for one experiment share an insert
// statement; each is answered with its own outcome.

for (const kind of backends) {
  describe(`observations written together (${kind})`, () => {
    const handle = clientDatabase(kind);
    const newExperiment = () => storedExperiment(handle, { parallelBandwidth: 16 });

    const report = (experiment: ExperimentDef, x: number, suggestionId: string | null = null) => ({
      experimentId: experiment.id,
      suggestionId,
      assignments: suggestionId === null ? { x } : null,
      failed: false,
      metadata: null,
      values: [{ metricId: experiment.metrics[0]?.id ?? '', value: x, valueStddev: null }],
    });

    it('writes a burst of reports with a few statements, each kept once', async () => {
      const experiment = await newExperiment();
      const counts = new Map<string, number>();
      const writer = new ObservationWriter(countingSql(handle.db.sql, counts));
      const xs = Array.from({ length: 40 }, (_, i) => i / 40);
      const outcomes = await Promise.all(
        xs.map((x) => writer.write(experiment, report(experiment, x))),
      );
      expect(outcomes.every((outcome) => outcome.kind === 'written')).toBe(true);
      const written = outcomes.map((outcome) =>
        outcome.kind === 'written' ? outcome.observation : null,
      );
      expect(written.map((observation) => observation?.assignments.x)).toEqual(xs);
      expect(new Set(written.map((observation) => observation?.id)).size).toBe(40);
      const statements = counts.get('insert-observations') ?? 0;
      expect(statements).toBeGreaterThanOrEqual(2);
      expect(statements).toBeLessThanOrEqual(4);
      const stored = await readObservations(handle.db.sql, experiment.id);
      expect(
        stored
          .map((observation) => observation.assignments.x)
          .sort((a, b) => Number(a) - Number(b)),
      ).toEqual(xs);
    });

    it('answers a report citing a missing suggestion alone and writes the others', async () => {
      const experiment = await newExperiment();
      const writer = new ObservationWriter(handle.db.sql);
      // The first goes at once; the next three wait and share a statement.
      const outcomes = await Promise.all([
        writer.write(experiment, report(experiment, 0.1)),
        writer.write(experiment, report(experiment, 0.2)),
        writer.write(experiment, report(experiment, 0, '987654321')),
        writer.write(experiment, report(experiment, 0.3)),
      ]);
      expect(outcomes.map((outcome) => outcome.kind)).toEqual([
        'written',
        'written',
        'missing',
        'written',
      ]);
      const stored = await readObservations(handle.db.sql, experiment.id);
      expect(stored.map((observation) => observation.assignments.x)).toEqual([0.1, 0.2, 0.3]);
    });

    it('reads for the optimizer what the full read holds of each live observation', async () => {
      const experiment = await newExperiment();
      const writer = new ObservationWriter(handle.db.sql);
      await writer.write(experiment, report(experiment, 0.4));
      const failed = { ...report(experiment, 0.5), failed: true, values: [] };
      await writer.write(experiment, failed);
      const metricId = experiment.metrics[0]?.id ?? '';
      await writer.write(experiment, {
        ...report(experiment, 0.6),
        values: [{ metricId, value: 2, valueStddev: 0.5 }],
      });
      const full = await readObservations(handle.db.sql, experiment.id);
      const lean = (await readObservationSnapshot(handle.db.sql, experiment.id, null)).rows;
      expect(lean).toEqual(
        full.map(({ id, assignments, failed: isFailed, values }) => ({
          id,
          assignments,
          failed: isFailed,
          values,
        })),
      );
      expect(lean.map((observation) => observation.failed)).toEqual([false, true, false]);
      expect(lean[2]?.values).toEqual([{ metricId, value: 2, valueStddev: 0.5 }]);
    });

    it('writes nothing for a revision that is no longer the stored one', async () => {
      const experiment = await newExperiment();
      const writer = new ObservationWriter(handle.db.sql);
      const old = { ...experiment, revision: experiment.revision - 1 };
      const outcomes = await Promise.all(
        [0.1, 0.2, 0.3].map((x) => writer.write(old, report(experiment, x))),
      );
      expect(outcomes.map((outcome) => outcome.kind)).toEqual(['stale', 'stale', 'stale']);
      expect(await readObservations(handle.db.sql, experiment.id)).toEqual([]);
    });
  });
}
