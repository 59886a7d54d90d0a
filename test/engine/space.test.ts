import { describe, expect, it } from 'vitest';

import { createRandom } from '../../src/engine/random.ts';
import { randomPoint } from '../../src/engine/random-search.ts';
import { Sobol } from '../../src/engine/sobol.ts';
import {
  createSpace,
  decode,
  designFeatures,
  encode,
  pointKey,
  snapFeatures,
} from '../../src/engine/space.ts';
import { transformOutputs, yeoJohnson } from '../../src/engine/transform.ts';
import { mixedSpace } from './helpers.ts';
import { expectValid } from './validity.ts';

describe('encoding', () => {
  const space = createSpace(mixedSpace);

  it('maps every parameter type onto [0, 1] and back to the same assignment', () => {
    const random = createRandom(5);
    for (let k = 0; k < 200; k++) {
      const a = randomPoint(space, random);
      const u = encode(space, a);
      for (const v of u) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      const back = decode(space, u);
      expect(back.layers).toBe(a.layers);
      expect(back.width).toBe(a.width);
      expect(back.dropout).toBe(a.dropout);
      expect(back.optimizer).toBe(a.optimizer);
      expect(back.lr as number).toBeCloseTo(a.lr as number, 12);
      expect(back.x as number).toBeCloseTo(a.x as number, 12);
    }
  });

  it('puts log parameters in log space and categoricals one-hot', () => {
    const u = encode(space, {
      lr: 1e-3,
      x: 0.5,
      layers: 1,
      width: 64,
      dropout: 0.1,
      optimizer: 'sgd',
    });
    expect(u[0]).toBeCloseTo(0.5, 12);
    expect(u[1]).toBeCloseTo(0.5, 12);
    expect(u[2]).toBe(0);
    expect(u[3]).toBeCloseTo((64 - 16) / 240, 12);
    expect(Array.from(u.subarray(5, 8))).toEqual([0, 1, 0]);
  });

  it('gives one integer a single encoding, and decodes any feature vector to a valid point', () => {
    const random = createRandom(6);
    for (let k = 0; k < 300; k++) {
      const u = Float64Array.from({ length: space.dim }, () => random() * 1.4 - 0.2);
      const a = decode(space, u);
      expectValid(mixedSpace, a);
      const snapped = snapFeatures(space, Float64Array.from(u));
      expect(pointKey(space, decode(space, snapped))).toBe(pointKey(space, a));
      // An integer's features are those of the integer itself.
      expect(snapped[2]).toBeCloseTo(((a.layers as number) - 1) / 5, 12);
    }
  });

  it('maps design points to valid features that decode consistently', () => {
    const sobol = new Sobol(mixedSpace.length, 1);
    for (let k = 0; k < 100; k++) {
      const u = designFeatures(space, sobol.next());
      const a = decode(space, u);
      expectValid(mixedSpace, a);
      const again = encode(space, a);
      u.forEach((v, i) => expect(again[i]).toBeCloseTo(v, 10));
    }
  });

  it('snaps out-of-grid and out-of-bounds values of observations', () => {
    const a = decode(
      space,
      encode(space, { lr: 5, x: -9, layers: 3.4, width: 70, dropout: 0.2, optimizer: 'nope' }),
    );
    expect(a).toMatchObject({
      lr: 0.1,
      x: -2,
      layers: 3,
      width: 64,
      dropout: 0.25,
      optimizer: 'adam',
    });
  });
});

describe('scrambled Sobol', () => {
  it('puts exactly one of the first 2^m points in each of 2^m equal slices of each axis', () => {
    const sobol = new Sobol(8, 11);
    const points = Array.from({ length: 64 }, () => sobol.next());
    for (let j = 0; j < 8; j++) {
      const slices = new Set(points.map((p) => Math.floor((p[j] as number) * 64)));
      expect(slices.size).toBe(64);
    }
  });

  it('repeats for a seed and continues from an index', () => {
    const a = new Sobol(3, 7);
    const first = Array.from({ length: 10 }, () => Array.from(a.next()));
    const b = new Sobol(3, 7);
    b.seek(4);
    expect(Array.from(b.next())).toEqual(first[4]);
  });
});

describe('output transform', () => {
  it('compresses a terrible value instead of letting it flatten the rest', () => {
    const values = [1, 1.1, 1.2, 1.3, 1.4, -1000];
    const { y } = transformOutputs(
      values,
      values.map(() => null),
      0,
    );
    // Plain standardization would leave the good five within 0.02 of each other.
    expect((y[4] as number) - (y[0] as number)).toBeGreaterThan(0.3);
    expect(Array.from(y).every(Number.isFinite)).toBe(true);
  });

  it('is monotone and continuous at zero', () => {
    for (const lambda of [-1, 0, 0.5, 1, 2, 4]) {
      let previous = -Infinity;
      for (let x = -5; x <= 5; x += 0.01) {
        const t = yeoJohnson(x, lambda);
        expect(t).toBeGreaterThan(previous);
        previous = t;
      }
      expect(yeoJohnson(1e-12, lambda)).toBeCloseTo(yeoJohnson(-1e-12, lambda), 10);
    }
  });

  it('puts failed observations below the worst success', () => {
    const { y, failedValue } = transformOutputs([3, 1, 2], [null, null, null], 2);
    expect(failedValue).toBeLessThan(Math.min(...Array.from(y.subarray(0, 3))));
    expect(y[3]).toBe(failedValue);
  });
});
