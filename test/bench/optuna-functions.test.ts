import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { PROBLEMS } from '../../bench/problems.ts';
import { callPython, PYTHON, probeOptuna, runOptunaTpe } from '../../bench/runners.ts';
import { samplePoint } from '../../bench/sampler.ts';
import { createRandom } from '../../src/engine/index.ts';

const python = spawnSync(PYTHON, ['--version']);
const hasPython = python.error === undefined && python.status === 0;
const optuna = hasPython ? probeOptuna() : null;

// A skipped test says why in its name, so the reason shows in the test report.
const pythonNote = hasPython ? '' : ` (skipped: ${PYTHON} is not runnable here)`;
const optunaNote =
  optuna?.available === true
    ? ''
    : ` (skipped: ${optuna?.reason ?? 'no Python'}; apt-get install python3-optuna)`;

describe.skipIf(!hasPython)(`bench/optuna_tpe.py${pythonNote}`, () => {
  it.each(PROBLEMS.map((p) => [p.name, p] as const))(
    'computes %s as bench/problems.ts does, at the optimum and at random points',
    (_name, problem) => {
      const random = createRandom(7);
      const points = [
        problem.optimum.assignments,
        ...Array.from({ length: 8 }, () => samplePoint(problem.parameters, random)),
      ];
      const answer = callPython('evaluate', { problem: problem.name, points }) as {
        values: number[];
      };

      expect(answer.values).toHaveLength(points.length);
      points.forEach((x, i) => {
        const expected = problem.evaluate(x);
        expect(Math.abs((answer.values[i] ?? Number.NaN) - expected)).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(expected)),
        );
      });
    },
  );

  it.skipIf(optuna?.available !== true)(
    `runs TPE for the budget on every seed, repeatably${optunaNote}`,
    () => {
      const problem = { ...PROBLEMS[0]!, budget: 12 };
      const first = runOptunaTpe(problem, [1, 2]);
      const again = runOptunaTpe(problem, [1]);

      expect(first).toHaveLength(2);
      for (const run of first) expect(run.values).toHaveLength(12);
      expect(again[0]?.values).toEqual(first[0]?.values);
    },
  );
});
