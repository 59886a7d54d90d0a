import { describe, expect, it } from 'vitest';

import { createRandom } from '../../src/engine/index.ts';
import { MIN_GAIN, shouldExplore, stallLength, stallSteps } from '../../src/engine/stagnation.ts';
import type { Assignments, EngineObservation, Parameter } from '../../src/engine/types.ts';
import { observation, request, suggest } from './helpers.ts';

const line: Parameter[] = [{ name: 'x', type: 'double', min: 0, max: 1, log: false, grid: null }];

/** One smooth bump at 0.2: a model of it is sure, soon, that nothing else beats its top. */
function bump(x: number): number {
  return Math.exp(-((x - 0.2) ** 2) / 0.002);
}

/**
 * An even spread of 25 points, then `stuck` points packed around the bump's top,
 * all with its value: a search that has converged there and gains nothing more.
 */
function trapped(stuck: number): EngineObservation[] {
  const spread = Array.from({ length: 25 }, (_, i) => (i + 0.5) / 25);
  const packed = Array.from({ length: stuck }, (_, i) => 0.2 + 0.001 * Math.cos(i));
  return [
    ...spread.map((x) => observation({ x }, bump(x))),
    ...packed.map((x) => observation({ x }, bump(0.2))),
  ];
}

describe('stall detection', () => {
  it('counts the successes since the last gain of at least MIN_GAIN', () => {
    expect(stallLength([0, 1, 1, 1], 4)).toBe(2);
    expect(stallLength([0, 1, 1 + MIN_GAIN / 2, 1 + MIN_GAIN / 2], 4)).toBe(2);
    expect(stallLength([0, 1, 1, 2], 4)).toBe(0);
    expect(stallLength([], 0)).toBe(0);
  });

  it('waits stallSteps(D) successes without progress', () => {
    const K = stallSteps(6);
    expect(shouldExplore(K - 1, 6)).toBe(false);
    expect(shouldExplore(K, 6)).toBe(true);
  });
});

describe('escaping a converged basin', () => {
  it('looks away from a stalled incumbent, outside its neighbourhood', () => {
    // 12 packed points: the first is a gain, then a stall of 11 with EI spent there.
    const result = suggest(request(line, { observations: trapped(12), seed: 3 }));
    expect(result.diagnostics.notes.some((n) => n.includes('searching away'))).toBe(true);
    const x = (result.points[0] as Assignments).x as number;
    expect(Math.abs(x - 0.2)).toBeGreaterThan(0.1);
  });

  it('does not explore while the search is still gaining', () => {
    const random = createRandom(8);
    const climbing = Array.from({ length: 30 }, (_, i) => observation({ x: random() }, i));
    const result = suggest(request(line, { observations: climbing, seed: 3 }));
    expect(result.diagnostics.notes.some((n) => n.includes('searching away'))).toBe(false);
  });
});
