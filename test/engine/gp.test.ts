import { describe, expect, it } from 'vitest';

import { fitHyperparameters } from '../../src/engine/fit.ts';
import {
  addPoint,
  negLogPosterior,
  posterior,
  predict,
  predictWithGradient,
  type GpData,
} from '../../src/engine/gp.ts';
import { matern52, matern52Slope } from '../../src/engine/kernel.ts';
import { minimize } from '../../src/engine/lbfgs.ts';
import { defaultPriors } from '../../src/engine/priors.ts';
import { createRandom } from '../../src/engine/random.ts';

function sample(n: number, D: number, seed: number): GpData {
  const random = createRandom(seed);
  const X = Float64Array.from({ length: n * D }, () => random());
  const y = Float64Array.from({ length: n }, (_, i) => {
    const x0 = X[i * D] as number;
    const x1 = X[i * D + 1] as number;
    return Math.sin(6 * x0) + 0.5 * x1 * x1;
  });
  return { X, n, D, y, knownNoise: Float64Array.from({ length: n }, (_, i) => (i % 3) * 1e-3) };
}

function centralDifference(f: (t: number) => number, t: number, h = 1e-6): number {
  return (f(t + h) - f(t - h)) / (2 * h);
}

describe('Matern-5/2 kernel', () => {
  it('is one at distance zero and decays', () => {
    expect(matern52(0)).toBe(1);
    expect(matern52(1)).toBeLessThan(matern52(0.5));
    // (1 + sqrt5 + 5/3) exp(-sqrt5), R&W eq. 4.17 at r = 1.
    expect(matern52(1)).toBeCloseTo((1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 15);
  });

  it('has the slope its finite differences give', () => {
    for (const r of [0.1, 0.7, 2.5]) {
      expect(-centralDifference(matern52, r) / r).toBeCloseTo(matern52Slope(r), 7);
    }
  });
});

describe('log marginal likelihood', () => {
  it('has the gradient its finite differences give, for every hyperparameter', () => {
    const data = sample(25, 3, 1);
    const priors = defaultPriors(3);
    const theta = Float64Array.from([-1.2, -0.4, 0.5, 0.3, -4]);
    const grad = new Float64Array(theta.length);
    negLogPosterior(theta, data, priors, grad);
    const scratch = new Float64Array(theta.length);
    theta.forEach((t0, p) => {
      const at = (t: number): number => {
        const shifted = Float64Array.from(theta);
        shifted[p] = t;
        return negLogPosterior(shifted, data, priors, scratch);
      };
      expect(grad[p]).toBeCloseTo(centralDifference(at, t0), 5);
    });
  });

  it('is maximized by L-BFGS-B to a point of zero gradient inside the box', () => {
    const data = sample(30, 2, 2);
    const fit = fitHyperparameters(data, {
      random: createRandom(1),
      warm: null,
      restarts: 2,
      maxIterations: 100,
      shouldStop: () => false,
    });
    const grad = new Float64Array(fit.theta.length);
    negLogPosterior(fit.theta, data, defaultPriors(2), grad);
    for (const g of grad.subarray(0, 3)) expect(Math.abs(g)).toBeLessThan(1e-2);
  });
});

describe('posterior', () => {
  const data = sample(20, 2, 3);
  const theta = Float64Array.from([-1.5, -1, 0, -9]);
  const post = posterior(data, theta);

  it('interpolates nearly noise-free data', () => {
    expect(post).not.toBeNull();
    if (post === null) return;
    for (let i = 0; i < 5; i++) {
      const x = data.X.subarray(i * 2, i * 2 + 2);
      const { mu, variance } = predict(post, x);
      expect(mu).toBeCloseTo(data.y[i] as number, 1);
      expect(variance).toBeLessThan(0.05);
    }
  });

  it('has mean and variance gradients that match finite differences', () => {
    if (post === null) return;
    const x = [0.37, 0.61];
    const dMu = new Float64Array(2);
    const dVar = new Float64Array(2);
    predictWithGradient(post, x, dMu, dVar);
    for (let p = 0; p < 2; p++) {
      const at = (t: number): { mu: number; variance: number } => {
        const shifted = [...x];
        shifted[p] = t;
        return predict(post, shifted);
      };
      expect(dMu[p]).toBeCloseTo(
        centralDifference((t) => at(t).mu, x[p] as number),
        5,
      );
      expect(dVar[p]).toBeCloseTo(
        centralDifference((t) => at(t).variance, x[p] as number),
        5,
      );
    }
  });

  it('shrinks the variance at a fantasy point and keeps the mean there', () => {
    if (post === null) return;
    const x = [0.9, 0.1];
    const before = predict(post, x);
    const after = addPoint(post, x, before.mu);
    expect(after).not.toBeNull();
    if (after === null) return;
    const now = predict(after, x);
    expect(now.variance).toBeLessThan(before.variance / 10);
    expect(now.mu).toBeCloseTo(before.mu, 6);
  });
});

describe('L-BFGS-B', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array): number => {
      const [a, b] = [x[0] as number, x[1] as number];
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const result = minimize(rosenbrock, [-1.2, 1], {
      lower: [-5, -5],
      upper: [5, 5],
      maxIterations: 500,
      gradientTolerance: 1e-10,
    });
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('stops on an active bound', () => {
    const f = (x: Float64Array, g: Float64Array): number => {
      g[0] = 2 * ((x[0] as number) - 3);
      return ((x[0] as number) - 3) ** 2;
    };
    const result = minimize(f, [0], { lower: [-1], upper: [1], maxIterations: 50 });
    expect(result.x[0]).toBe(1);
  });
});
