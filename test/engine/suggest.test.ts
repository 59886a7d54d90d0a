import { describe, expect, it } from 'vitest';

import { createRandom } from '../../src/engine/index.ts';
import { randomPoint } from '../../src/engine/random-search.ts';
import { createSpace, pointKey } from '../../src/engine/space.ts';
import type { Assignments, EngineObservation, Parameter } from '../../src/engine/types.ts';
import { mixedSpace, observation, request, stepClock, suggest } from './helpers.ts';
import { expectValid } from './validity.ts';

const square: Parameter[] = [
  { name: 'a', type: 'double', min: 0, max: 1, log: false, grid: null },
  { name: 'b', type: 'double', min: 0, max: 1, log: false, grid: null },
];

/** n observations of a smooth function of the mixed space, drawn with a seed. */
function history(n: number, seed: number): EngineObservation[] {
  const space = createSpace(mixedSpace);
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const a = randomPoint(space, random);
    const value =
      -((Math.log10(a.lr as number) + 3) ** 2) -
      ((a.x as number) - 1) ** 2 +
      (a.optimizer === 'adam' ? 1 : 0) -
      0.1 * Math.abs((a.layers as number) - 3);
    return observation(a, value);
  });
}

function branin(a: Assignments): number {
  const x1 = -5 + 15 * (a.a as number);
  const x2 = 15 * (a.b as number);
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

describe('offline suggestions', () => {
  it('switches from the initial design to the GP once the design is complete', () => {
    const early = suggest(request(mixedSpace, { observations: history(5, 1) }));
    expect(early.diagnostics.strategy).toBe('initial-design');
    const later = suggest(request(mixedSpace, { observations: history(20, 1) }));
    expect(later.diagnostics.strategy).toBe('gaussian-process');
    expect(later.diagnostics.hyperparameters).not.toBeNull();
    expect(Number.isFinite(later.diagnostics.logLikelihood)).toBe(true);
    expectValid(mixedSpace, later.points[0] as Assignments);
  });

  it('counts pending points toward the initial design', () => {
    const pending = history(14, 2).map((o) => o.assignments);
    const result = suggest(request(mixedSpace, { observations: history(2, 3), pending }));
    expect(result.diagnostics.strategy).toBe('gaussian-process');
  });

  it('is deterministic for a fixed seed', () => {
    const make = () => request(mixedSpace, { observations: history(20, 4), count: 3, seed: 9 });
    const first = suggest(make());
    const second = suggest(make());
    expect(second.points).toEqual(first.points);
    expect(second.state).toEqual(first.state);
    const other = suggest(
      request(mixedSpace, { observations: history(20, 4), count: 3, seed: 10 }),
    );
    expect(other.points).not.toEqual(first.points);
  });

  it('never returns an observed or pending point, nor one twice', () => {
    // A small discrete space: 3 x 3 x 2 = 18 points, 12 of them used.
    const small: Parameter[] = [
      { name: 'i', type: 'int', min: 0, max: 2, log: false, grid: null },
      { name: 'g', type: 'double', min: 0.5, max: 2, log: false, grid: [0.5, 1, 2] },
      { name: 'c', type: 'categorical', categories: ['u', 'v'] },
    ];
    const space = createSpace(small);
    const all: Assignments[] = [];
    for (const i of [0, 1, 2])
      for (const g of [0.5, 1, 2]) for (const c of ['u', 'v']) all.push({ i, g, c });
    const observations = all.slice(0, 8).map((a, k) => observation(a, Math.sin(k)));
    const pending = all.slice(8, 12);
    const result = suggest(request(small, { observations, pending, count: 6 }));
    const used = new Set(
      [...observations.map((o) => o.assignments), ...pending].map((a) => pointKey(space, a)),
    );
    const keys = result.points.map((a) => pointKey(space, a));
    for (const k of keys) expect(used.has(k)).toBe(false);
    expect(new Set(keys).size).toBe(6);
  });

  it('returns distinct points for a batch, spread by the fantasies', () => {
    const result = suggest(request(mixedSpace, { observations: history(25, 5), count: 4 }));
    expect(result.points).toHaveLength(4);
    const keys = new Set(result.points.map((p) => JSON.stringify(p)));
    expect(keys.size).toBe(4);
    for (const p of result.points) expectValid(mixedSpace, p);
  });

  it('handles a single observation', () => {
    const observations = history(1, 6);
    for (const pendingCount of [0, 16]) {
      const pending = history(pendingCount, 7).map((o) => o.assignments);
      const result = suggest(request(mixedSpace, { observations, pending, count: 2 }));
      expect(result.points).toHaveLength(2);
      for (const p of result.points) expectValid(mixedSpace, p);
      const expected = pendingCount === 0 ? 'initial-design' : 'gaussian-process';
      expect(result.diagnostics.strategy).toBe(expected);
    }
  });

  it('handles observations that all have the same value', () => {
    const observations = history(20, 8).map((o) => ({ ...o, value: 3 }));
    const result = suggest(request(mixedSpace, { observations, count: 2 }));
    expect(result.diagnostics.strategy).toBe('gaussian-process');
    expect(result.points).toHaveLength(2);
    for (const p of result.points) expectValid(mixedSpace, p);
  });

  it('keeps a Sobol design going when every observation failed', () => {
    const observations = history(20, 9).map((o) => ({ ...o, value: null, failed: true }));
    const result = suggest(request(mixedSpace, { observations, count: 3 }));
    expect(result.diagnostics.strategy).toBe('initial-design');
    expect(result.points).toHaveLength(3);
    for (const p of result.points) expectValid(mixedSpace, p);
  });

  it('steers away from a region where observations failed', () => {
    // Successes on the left half rise towards the middle; everything right of 0.6 failed.
    const random = createRandom(12);
    const observations: EngineObservation[] = [];
    for (let k = 0; k < 30; k++) {
      const a = { a: random(), b: random() };
      const failed = a.a > 0.6;
      observations.push({ assignments: a, value: failed ? null : a.a, noise: null, failed });
    }
    const result = suggest(request(square, { observations, count: 3 }));
    for (const p of result.points) expect(p.a as number).toBeLessThan(0.75);
  });

  it('uses reported noise as known noise', () => {
    const observations = history(20, 10).map((o) => ({ ...o, noise: 0.5 }));
    const result = suggest(request(mixedSpace, { observations }));
    expect(result.diagnostics.strategy).toBe('gaussian-process');
    expectValid(mixedSpace, result.points[0] as Assignments);
  });

  it('returns the best point so far, flagged, when the time budget runs out', () => {
    // Each clock reading advances 5 ms against a 1 ms budget: out of time at once.
    const result = suggest(
      request(mixedSpace, {
        observations: history(30, 11),
        timeBudgetMs: 1,
        clock: stepClock(5),
        count: 2,
      }),
    );
    expect(result.diagnostics.timedOut).toBe(true);
    expect(result.diagnostics.strategy).toBe('gaussian-process');
    expect(result.points).toHaveLength(2);
    for (const p of result.points) expectValid(mixedSpace, p);
  });

  it('warm-starts from the state it returned', () => {
    const first = suggest(request(mixedSpace, { observations: history(24, 12) }));
    const second = suggest(
      request(mixedSpace, { observations: history(25, 12), warmStart: first.state }),
    );
    expect(second.diagnostics.strategy).toBe('gaussian-process');
    expect(JSON.parse(JSON.stringify(second.state))).toEqual(second.state);
  });

  it('ignores a malformed warm start', () => {
    for (const warmStart of [
      42,
      'x',
      { sobolSeed: 'no' },
      { sobolSeed: 1, hyperparameters: [1] },
    ]) {
      const result = suggest(request(mixedSpace, { observations: history(22, 13), warmStart }));
      expect(result.diagnostics.strategy).toBe('gaussian-process');
    }
  });

  it('beats random search on Branin with the same budget of 25 evaluations', () => {
    const budget = 25;
    const clock = stepClock(0);
    let engineBest = Infinity;
    let state: unknown;
    const random = createRandom(2024);
    const observations: EngineObservation[] = [];
    for (let k = 0; k < budget; k++) {
      const result = suggest({
        type: 'offline',
        parameters: square,
        observations,
        pending: [],
        count: 1,
        random,
        clock,
        timeBudgetMs: 1000,
        warmStart: state,
      });
      state = result.state;
      const a = result.points[0] as Assignments;
      const f = branin(a);
      engineBest = Math.min(engineBest, f);
      observations.push(observation(a, -f));
    }
    const space = createSpace(square);
    const randomBest: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const r = createRandom(seed);
      randomBest.push(
        Math.min(...Array.from({ length: budget }, () => branin(randomPoint(space, r)))),
      );
    }
    // Minimum 0.397887 (three global minima); random search's best of 25 is far from it.
    expect(engineBest).toBeLessThan(Math.min(...randomBest));
    expect(engineBest - 0.397887).toBeLessThan(0.05);
  });
});

describe('parameters with a single admissible value', () => {
  it('always suggests that value', () => {
    const fixed: Parameter[] = [
      { name: 'c', type: 'double', min: 0.5, max: 0.5, log: false, grid: null },
      { name: 'k', type: 'int', min: 3, max: 3, log: false, grid: null },
      { name: 'x', type: 'double', min: 0, max: 1, log: false, grid: null },
      { name: 'o', type: 'categorical', categories: ['only'] },
    ];
    const random = createRandom(3);
    const observations = Array.from({ length: 12 }, () => {
      const x = random();
      return observation({ c: 0.5, k: 3, x, o: 'only' }, -((x - 0.3) ** 2));
    });
    for (const type of ['random', 'grid', 'offline'] as const) {
      const result = suggest(request(fixed, { type, observations, count: 2 }));
      for (const p of result.points) {
        expectValid(fixed, p);
        expect(p).toMatchObject({ c: 0.5, k: 3, o: 'only' });
      }
    }
  });
});
