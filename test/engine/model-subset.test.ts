import { describe, expect, it } from 'vitest';
import { MAX_MODEL_POINTS, modelObservations } from '../../src/engine/offline.ts';
import { createRandom } from '../../src/engine/random.ts';

// The subset a large experiment's model is built on.

function history(n: number, seed: number) {
  const random = createRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    assignments: { x: random(), index: i },
    value: i % 17 === 0 ? null : random(),
    noise: null,
    failed: i % 17 === 0,
  }));
}

describe('modelObservations', () => {
  it('keeps every observation up to the limit', () => {
    const observations = history(MAX_MODEL_POINTS, 1);
    expect(modelObservations(observations, createRandom(2))).toEqual(observations);
  });

  it('keeps the latest, the best and a sample of the rest, in their order', () => {
    const observations = history(3000, 3);
    const kept = modelObservations(observations, createRandom(4));
    const indices = kept.map((o) => o.assignments.index);

    expect(kept).toHaveLength(MAX_MODEL_POINTS);
    expect(new Set(indices).size).toBe(MAX_MODEL_POINTS);
    expect(indices).toEqual([...indices].sort((a, b) => a - b));
    for (let i = 3000 - 150; i < 3000; i++) expect(indices).toContain(i);
    const best = observations
      .filter((o) => !o.failed)
      .sort((a, b) => (b.value as number) - (a.value as number))
      .slice(0, 50);
    for (const o of best) expect(indices).toContain(o.assignments.index);
    // The sample reaches back to the start of the history.
    expect(indices.filter((i) => i < 1000).length).toBeGreaterThan(50);
  });

  it('draws the same subset from the same random source', () => {
    const observations = history(1000, 5);
    const first = modelObservations(observations, createRandom(6));
    expect(modelObservations(observations, createRandom(6))).toEqual(first);
    expect(modelObservations(observations, createRandom(7))).not.toEqual(first);
  });
});
