import { describe, expect, it } from 'vitest';

import { findProblem } from '../../bench/problems.ts';
import { runEngine, runEngineParallel, runRandom } from '../../bench/runners.ts';
import { samplePoint } from '../../bench/sampler.ts';
import { median } from '../../bench/stats.ts';
import { createRandom } from '../../src/engine/index.ts';
import type { Parameter } from '../../src/engine/types.ts';

const options = { timeBudgetMs: 50, clock: 'wall' as const };

describe('benchmark runners', () => {
  it('asks the engine once per evaluation in the sequential loop', () => {
    const problem = { ...findProblem('branin'), budget: 6 };
    const run = runEngine(problem, 1, options);

    expect(run.values).toHaveLength(6);
    expect(run.engine?.suggestMs).toHaveLength(6);
  });

  it('keeps four points open and evaluates exactly the budget in the parallel loop', () => {
    const problem = { ...findProblem('hartmann3'), budget: 9 };
    const run = runEngineParallel(problem, 1, { ...options, workers: 4 });

    expect(run.values).toHaveLength(9);
    expect(run.engine?.suggestMs).toHaveLength(9);
  });

  it('repeats random search for the same seed and differs across seeds', () => {
    const problem = findProblem('train-model');

    expect(runRandom(problem, 3, 20).values).toEqual(runRandom(problem, 3, 20).values);
    expect(runRandom(problem, 4, 20).values).not.toEqual(runRandom(problem, 3, 20).values);
  });
});

describe('random search sampler', () => {
  const parameters: Parameter[] = [
    { name: 'rate', type: 'double', min: 1e-4, max: 1, log: true, grid: null },
    { name: 'layers', type: 'int', min: 2, max: 4, log: false, grid: null },
    { name: 'width', type: 'double', min: 0, max: 1, log: false, grid: [0.25, 0.5] },
    { name: 'kind', type: 'categorical', categories: ['a', 'b'] },
  ];
  const random = createRandom(11);
  const points = Array.from({ length: 4000 }, () => samplePoint(parameters, random));

  it('draws log-scale doubles log-uniformly', () => {
    // The median of a log-uniform draw on [1e-4, 1] is the geometric mean, 1e-2.
    const rates = points.map((p) => p.rate as number);
    expect(Math.log10(median(rates))).toBeCloseTo(-2, 1);
    expect(rates.every((r) => r >= 1e-4 && r <= 1)).toBe(true);
  });

  it('draws every integer, grid value and category, and nothing else', () => {
    expect(new Set(points.map((p) => p.layers))).toEqual(new Set([2, 3, 4]));
    expect(new Set(points.map((p) => p.width))).toEqual(new Set([0.25, 0.5]));
    expect(new Set(points.map((p) => p.kind))).toEqual(new Set(['a', 'b']));
  });
});
