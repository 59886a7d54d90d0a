import { negLogPosterior, thetaSize, type GpData } from './gp.ts';
import { minimize } from './lbfgs.ts';
import { defaultPriors, type Priors } from './priors.ts';
import { randomNormal } from './random.ts';
import type { RandomSource } from './types.ts';

/** Box on theta: lengthscales in [1e-3, 1e3], signal in [1e-2, 1e2], noise in [1e-10, 1]. */
const BOUNDS = {
  lengthscale: [Math.log(1e-3), Math.log(1e3)],
  signal: [Math.log(1e-2), Math.log(1e2)],
  noise: [Math.log(1e-10), 0],
} as const;

export interface FitOptions {
  random: RandomSource;
  /** Previous hyperparameters, tried first. */
  warm: Float64Array | null;
  /** Random starting points besides the prior's mode and the warm start. */
  restarts: number;
  maxIterations: number;
  shouldStop: () => boolean;
}

export interface FitResult {
  theta: Float64Array;
  value: number;
  evaluations: number;
  stopped: boolean;
}

/**
 * MAP hyperparameters: L-BFGS-B on the negative log posterior from the warm start,
 * the priors' typical point, and a few random draws from the priors; the best wins.
 */
export function fitHyperparameters(data: GpData, options: FitOptions): FitResult {
  const D = data.D;
  const priors = defaultPriors(D);
  const { lower, upper } = bounds(D);
  const starts = startingPoints(D, priors, options);

  let best: FitResult = {
    theta: starts[0] as Float64Array,
    value: Infinity,
    evaluations: 0,
    stopped: false,
  };
  let evaluations = 0;
  const f = (theta: Float64Array, grad: Float64Array): number => {
    evaluations++;
    return negLogPosterior(theta, data, priors, grad);
  };
  for (const start of starts) {
    if (best.value < Infinity && options.shouldStop()) {
      best.stopped = true;
      break;
    }
    const result = minimize(f, start, {
      lower,
      upper,
      maxIterations: options.maxIterations,
      gradientTolerance: 1e-4,
      shouldStop: options.shouldStop,
    });
    if (result.value < best.value) best = { ...best, theta: result.x, value: result.value };
    if (result.stopped) {
      best.stopped = true;
      break;
    }
  }
  return { ...best, evaluations };
}

export function bounds(D: number): { lower: Float64Array; upper: Float64Array } {
  const size = thetaSize(D);
  const lower = new Float64Array(size);
  const upper = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const box = i < D ? BOUNDS.lengthscale : i === D ? BOUNDS.signal : BOUNDS.noise;
    lower[i] = box[0];
    upper[i] = box[1];
  }
  return { lower, upper };
}

function startingPoints(D: number, priors: Priors, options: FitOptions): Float64Array[] {
  const starts: Float64Array[] = [];
  if (options.warm !== null && options.warm.length === thetaSize(D)) starts.push(options.warm);
  // The mode of the log-normal lengthscale prior, exp(loc - scale^2), a unit signal, small noise.
  const mode = priors.lengthscale.loc - priors.lengthscale.scale ** 2;
  starts.push(
    Float64Array.from({ length: thetaSize(D) }, (_, i) => (i < D ? mode : i === D ? 0 : -9)),
  );
  for (let r = 0; r < options.restarts; r++) {
    starts.push(
      Float64Array.from({ length: thetaSize(D) }, (_, i) => {
        if (i < D) return mode + 0.75 * randomNormal(options.random);
        if (i === D) return 0.5 * randomNormal(options.random);
        return -9 + 3 * randomNormal(options.random);
      }),
    );
  }
  const { lower, upper } = bounds(D);
  for (const s of starts)
    s.forEach((v, i) => (s[i] = Math.min(upper[i] as number, Math.max(lower[i] as number, v))));
  return starts;
}
