import { describe, expect, it } from 'vitest';

import { createRandom } from '../../src/engine/index.ts';
import { createSpace } from '../../src/engine/space.ts';
import type { Assignments, Parameter } from '../../src/engine/types.ts';
import { mixedSpace, observation, request, suggest } from './helpers.ts';
import { expectValid } from './validity.ts';

describe('createRandom', () => {
  it('repeats its stream for one seed and differs between seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
  });

  it('draws in [0, 1) with the mean and variance of a uniform', () => {
    const r = createRandom(7);
    const xs = Array.from({ length: 100_000 }, () => r());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 3);
  });
});

describe('random experiments', () => {
  it('returns count valid points', () => {
    const result = suggest(request(mixedSpace, { type: 'random', count: 50 }));
    expect(result.points).toHaveLength(50);
    expect(result.diagnostics.strategy).toBe('random');
    for (const p of result.points) expectValid(mixedSpace, p);
  });

  it('draws log parameters log-uniformly', () => {
    const result = suggest(request(mixedSpace, { type: 'random', count: 4000 }));
    const below = result.points.filter((p) => (p.lr as number) < 1e-3).length;
    // log10 range [-5, -1]: half the mass lies below 1e-3.
    expect(below / 4000).toBeGreaterThan(0.46);
    expect(below / 4000).toBeLessThan(0.54);
  });

  it('uses every integer and every category', () => {
    const result = suggest(request(mixedSpace, { type: 'random', count: 600 }));
    expect(new Set(result.points.map((p) => p.layers)).size).toBe(6);
    expect(new Set(result.points.map((p) => p.optimizer)).size).toBe(3);
    expect(new Set(result.points.map((p) => p.width)).size).toBe(5);
  });
});

describe('grid experiments', () => {
  const space: Parameter[] = [
    { name: 'a', type: 'int', min: 1, max: 3, log: false, grid: null },
    { name: 'b', type: 'double', min: 0.1, max: 0.4, log: false, grid: [0.1, 0.4] },
    { name: 'c', type: 'categorical', categories: ['x', 'y'] },
  ];

  it('walks every grid point once in lexicographic order', () => {
    const result = suggest(request(space, { type: 'grid', count: 12 }));
    const keys = result.points.map((p) => `${p.a}/${p.b}/${p.c}`);
    expect(keys.slice(0, 4)).toEqual(['1/0.1/x', '1/0.1/y', '1/0.4/x', '1/0.4/y']);
    expect(new Set(keys).size).toBe(12);
    expect(result.diagnostics.strategy).toBe('grid');
  });

  it('skips points already observed or pending', () => {
    const observations = [observation({ a: 1, b: 0.1, c: 'x' }, 1)];
    const pending: Assignments[] = [{ a: 1, b: 0.1, c: 'y' }];
    const result = suggest(request(space, { type: 'grid', observations, pending }));
    expect(result.points).toEqual([{ a: 1, b: 0.4, c: 'x' }]);
  });

  it('reuses points least-used first once exhausted', () => {
    const all = suggest(request(space, { type: 'grid', count: 12 })).points;
    const observations = all.map((a) => observation(a, 0));
    observations.push(observation(all[0] as Assignments, 0));
    const result = suggest(request(space, { type: 'grid', observations, count: 2 }));
    expect(result.diagnostics.strategy).toBe('exhausted');
    expect(result.points).toEqual([all[1], all[2]]);
  });
});

describe('offline experiments', () => {
  it('starts with distinct valid initial-design points', () => {
    const result = suggest(request(mixedSpace, { count: 8 }));
    expect(result.points).toHaveLength(8);
    expect(result.diagnostics.strategy).toBe('initial-design');
    const space = createSpace(mixedSpace);
    expect(space.dim).toBe(8);
    for (const p of result.points) expectValid(mixedSpace, p);
    expect(new Set(result.points.map((p) => JSON.stringify(p))).size).toBe(8);
  });
});
