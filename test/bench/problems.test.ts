import { describe, expect, it } from 'vitest';

import { PROBLEMS, type Problem } from '../../bench/problems.ts';
import { samplePoint } from '../../bench/sampler.ts';
import { createRandom } from '../../src/engine/index.ts';
import type { Assignments, Parameter } from '../../src/engine/types.ts';

// Points a small step away from x along each parameter: both neighbours of an
// integer, every other category, and +-h of the range for a double (in log space
// for a log-scale one), clipped to the bounds.
function neighbours(parameters: Parameter[], x: Assignments, h: number): Assignments[] {
  const result: Assignments[] = [];
  for (const p of parameters) {
    const v = x[p.name];
    if (p.type === 'categorical') {
      for (const c of p.categories) if (c !== v) result.push({ ...x, [p.name]: c });
    } else if (typeof v === 'number') {
      const steps = p.type === 'int' ? [v - 1, v + 1] : shifted(p.min, p.max, p.log, v, h);
      for (const s of steps) if (s >= p.min && s <= p.max) result.push({ ...x, [p.name]: s });
    }
  }
  return result;
}

function shifted(min: number, max: number, log: boolean, v: number, h: number): number[] {
  if (!log) return [v - h * (max - min), v + h * (max - min)];
  const step = h * Math.log(max / min);
  return [v * Math.exp(-step), v * Math.exp(step)];
}

function withinBounds(problem: Problem, x: Assignments): boolean {
  return problem.parameters.every((p) => {
    const v = x[p.name];
    if (p.type === 'categorical') return typeof v === 'string' && p.categories.includes(v);
    return (
      typeof v === 'number' && v >= p.min && v <= p.max && (p.type !== 'int' || Number.isInteger(v))
    );
  });
}

describe.each(PROBLEMS.map((p) => [p.name, p] as const))('problem %s', (_name, problem) => {
  const { value, assignments } = problem.optimum;

  it('attains its stated minimum at its stated minimizer, inside the space', () => {
    expect(withinBounds(problem, assignments)).toBe(true);
    expect(problem.evaluate(assignments)).toBeCloseTo(value, 12);
  });

  it('has a budget in the range the benchmark grants', () => {
    expect(problem.budget).toBeGreaterThanOrEqual(30);
    expect(problem.budget).toBeLessThanOrEqual(100);
  });

  it('is not beaten by any of 20000 random points', () => {
    const random = createRandom(20240601);
    for (let i = 0; i < 20000; i++) {
      const x = samplePoint(problem.parameters, random);
      expect(problem.evaluate(x)).toBeGreaterThanOrEqual(value - 1e-12);
    }
  });

  it('is not beaten by its neighbours at several step sizes', () => {
    for (const h of [1e-2, 1e-4, 1e-6]) {
      for (const x of neighbours(problem.parameters, assignments, h)) {
        expect(problem.evaluate(x)).toBeGreaterThanOrEqual(value - 1e-12);
      }
    }
  });
});
