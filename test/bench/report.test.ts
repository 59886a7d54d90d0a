import { describe, expect, it } from 'vitest';

import { replaceSection } from '../../bench/docs-section.ts';
import { checkpoints, checkTargets, type MethodSummary } from '../../bench/quality-report.ts';
import { bestSoFar, quantile, spread } from '../../bench/stats.ts';

function summary(method: MethodSummary['method'], medianRegret: number): MethodSummary {
  const regret = { median: medianRegret, q1: medianRegret, q3: medianRegret, min: 0, max: 1 };
  return {
    method,
    label: method,
    evaluations: 10,
    seeds: [1],
    perSeed: [medianRegret],
    regret,
    curve: [],
    medianRunMs: 0,
    engine: null,
  };
}

describe('benchmark statistics', () => {
  it('interpolates quantiles between order statistics as R type 7 does', () => {
    // R: quantile(c(1, 2, 3, 4), c(0.25, 0.5, 0.75)) gives 1.75 2.50 3.25.
    expect(quantile([4, 1, 3, 2], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantile([4, 1, 3, 2], 0.5)).toBeCloseTo(2.5, 12);
    expect(spread([4, 1, 3, 2]).q3).toBeCloseTo(3.25, 12);
  });

  it('keeps the running minimum', () => {
    expect(bestSoFar([3, 5, 2, 4, 1])).toEqual([3, 3, 2, 2, 1]);
  });

  it('reads curves at fractions of N and, for longer runs, at 2, 5 and 10 N', () => {
    expect(checkpoints(30, 30)).toEqual([3, 8, 15, 23, 30]);
    expect(checkpoints(30, 300)).toEqual([3, 8, 15, 23, 30, 60, 150, 300]);
  });
});

describe('target checks', () => {
  it('compares the engine with random search at 10 N and with TPE', () => {
    const methods = [
      summary('engine', 0.01),
      summary('random-10x', 0.02),
      summary('optuna-tpe', 0.005),
    ];
    const [random, tpe] = checkTargets('hartmann3', methods, '');

    expect(random?.holds).toBe(true);
    expect(tpe?.holds).toBe(false);
  });

  it('marks a comparison with a method that did not run as not measured', () => {
    const [, tpe] = checkTargets('branin', [summary('engine', 0)], 'optuna missing');

    expect(tpe?.holds).toBeNull();
    expect(tpe?.detail).toContain('optuna missing');
  });

  it('checks the Hartmann-6 threshold and the parallel ratio', () => {
    const methods = [summary('engine', 0.04), summary('engine-parallel-4', 0.07)];
    const checks = checkTargets('hartmann6', methods, '');

    expect(checks.find((c) => c.target.includes('0.05'))?.holds).toBe(true);
    expect(checks.find((c) => c.target.includes('4 pending'))?.holds).toBe(false);
  });
});

describe('docs/benchmarks.md sections', () => {
  it('replaces only the text between its markers', () => {
    const doc =
      'intro\n<!-- a:start -->\nold\n<!-- a:end -->\nmiddle\n<!-- b:start -->\nkeep\n<!-- b:end -->\n';
    const next = replaceSection(doc, 'a', 'new');

    expect(next).toBe(
      'intro\n<!-- a:start -->\nnew\n<!-- a:end -->\nmiddle\n<!-- b:start -->\nkeep\n<!-- b:end -->\n',
    );
  });

  it('appends a section whose markers are missing', () => {
    expect(replaceSection('# Benchmarks\n', 'a', 'body')).toBe(
      '# Benchmarks\n\n<!-- a:start -->\nbody\n<!-- a:end -->\n',
    );
  });
});
