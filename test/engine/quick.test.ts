import { describe, expect, it } from 'vitest';

import { createRandom, quickPoint } from '../../src/engine/index.ts';
import type { Assignments, Parameter } from '../../src/engine/types.ts';
import { mixedSpace } from './helpers.ts';
import { expectValid } from './validity.ts';

// The quick path: points without a model, mostly a step from the best points
// seen, the rest uniform; always valid, and repeatable from the seed.

const unitSpace: Parameter[] = Array.from({ length: 4 }, (_, i) => ({
  name: `x${i}`,
  type: 'double' as const,
  min: 0,
  max: 1,
  log: false,
  grid: null,
}));

const distance = (a: Assignments, b: Assignments) =>
  Math.sqrt(unitSpace.reduce((sum, p) => sum + (Number(a[p.name]) - Number(b[p.name])) ** 2, 0));

describe('the quick path', () => {
  it('gives valid points of a mixed space, with and without incumbents', () => {
    const random = createRandom(3);
    const incumbent: Assignments = {
      lr: 1e-5,
      x: 3,
      layers: 6,
      width: 256,
      dropout: 0,
      optimizer: 'sgd',
    };
    for (let i = 0; i < 200; i++) {
      const incumbents = i % 2 === 0 ? [incumbent] : [];
      expectValid(mixedSpace, quickPoint({ parameters: mixedSpace, incumbents, random }));
    }
  });

  it('draws most points near the incumbents and the rest across the space', () => {
    const random = createRandom(5);
    const best: Assignments = { x0: 0.8, x1: 0.2, x2: 0.6, x3: 0.4 };
    const second: Assignments = { x0: 0.1, x1: 0.9, x2: 0.1, x3: 0.9 };
    const points = Array.from({ length: 2000 }, () =>
      quickPoint({ parameters: unitSpace, incumbents: [best, second], random }),
    );
    const nearBest = points.filter((p) => distance(p, best) < 0.4).length / points.length;
    const nearSecond = points.filter((p) => distance(p, second) < 0.4).length / points.length;
    // 70 % are steps (the best chosen for half of them, the second for the rest here);
    // a uniform draw lands this close to a given point a few percent of the time.
    expect(nearBest).toBeGreaterThan(0.33);
    expect(nearBest).toBeLessThan(0.45);
    expect(nearSecond).toBeGreaterThan(0.33);
    expect(nearSecond).toBeLessThan(0.45);
    // The uniform share still reaches the corners far from both.
    const far = points.filter((p) => distance(p, best) > 0.7 && distance(p, second) > 0.7);
    expect(far.length).toBeGreaterThan(50);
  });

  it('draws uniformly when no incumbent is known', () => {
    const random = createRandom(9);
    const points = Array.from({ length: 4000 }, () =>
      quickPoint({ parameters: unitSpace, incumbents: [], random }),
    );
    const mean = points.reduce((sum, p) => sum + Number(p.x0), 0) / points.length;
    expect(mean).toBeGreaterThan(0.47);
    expect(mean).toBeLessThan(0.53);
    const low = points.filter((p) => Number(p.x0) < 0.1).length / points.length;
    expect(low).toBeGreaterThan(0.08);
    expect(low).toBeLessThan(0.12);
  });

  it('repeats its points from the same seed', () => {
    const draw = () => {
      const random = createRandom(21);
      const incumbents = [{ x0: 0.5, x1: 0.5, x2: 0.5, x3: 0.5 }];
      return Array.from({ length: 20 }, () =>
        quickPoint({ parameters: unitSpace, incumbents, random }),
      );
    };
    expect(draw()).toEqual(draw());
  });
});
