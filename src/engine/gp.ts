import { matern52, matern52Slope } from './kernel.ts';
import { logPrior, type Priors } from './priors.ts';
import {
  cholesky,
  cholInverse,
  choleskyAppend,
  logDeterminant,
  solveLower,
  solveUpper,
} from './linalg.ts';

/**
 * A Gaussian process with a Matern-5/2 ARD kernel, a constant mean, a signal
 * variance and a noise variance with a floor, plus known per-point noise.
 * Hyperparameters live in log space: theta = [log l_1..log l_D, log s2, log noise].
 */

/** Smallest noise variance, in standardized units: keeps K well conditioned. */
export const NOISE_FLOOR = 1e-8;

export interface GpData {
  /** n x D inputs in [0, 1], row-major. */
  X: Float64Array;
  n: number;
  D: number;
  y: Float64Array;
  /** Known noise variance per point (0 when none). */
  knownNoise: Float64Array;
}

export interface Posterior {
  data: GpData;
  theta: Float64Array;
  inverseLengthscales: Float64Array;
  signal: number;
  noise: number;
  mean: number;
  L: Float64Array;
  alpha: Float64Array;
  jitter: number;
  logLikelihood: number;
}

export function thetaSize(D: number): number {
  return D + 2;
}

interface Unpacked {
  inverseLengthscales: Float64Array;
  signal: number;
  noise: number;
}

function unpack(theta: Float64Array, D: number): Unpacked {
  return {
    inverseLengthscales: Float64Array.from({ length: D }, (_, p) =>
      Math.exp(-(theta[p] as number)),
    ),
    signal: Math.exp(theta[D] as number),
    noise: NOISE_FLOOR + Math.exp(theta[D + 1] as number),
  };
}

/** K = s2 k(X, X) + (noise + known noise) I. */
function covariance(data: GpData, h: Unpacked): Float64Array {
  const { n, D, X } = data;
  const K = new Float64Array(n * n);
  const il = h.inverseLengthscales;
  for (let i = 0; i < n; i++) {
    K[i * n + i] = h.signal + h.noise + (data.knownNoise[i] as number);
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let p = 0; p < D; p++) {
        const d = ((X[i * D + p] as number) - (X[j * D + p] as number)) * (il[p] as number);
        s += d * d;
      }
      const k = h.signal * matern52(Math.sqrt(s));
      K[i * n + j] = k;
      K[j * n + i] = k;
    }
  }
  return K;
}

/** GLS estimate of the constant mean, (1' K^-1 y) / (1' K^-1 1), from the factor. */
function profiledMean(L: Float64Array, n: number, y: Float64Array): number {
  const a = solveLower(L, n, Float64Array.from(y));
  const b = solveLower(L, n, new Float64Array(n).fill(1));
  let ab = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] as number) * (b[i] as number);
    bb += (b[i] as number) ** 2;
  }
  return bb > 0 ? ab / bb : 0;
}

/**
 * Negative log posterior of theta (log marginal likelihood with the mean profiled
 * out, R&W eq. 2.30, plus log priors) and its gradient from R&W eq. 5.9:
 * dL/dtheta = 1/2 tr((alpha alpha' - K^-1) dK/dtheta). The mean needs no gradient
 * term: at its optimum the partial derivative vanishes.
 */
export function negLogPosterior(
  theta: Float64Array,
  data: GpData,
  priors: Priors,
  grad: Float64Array,
): number {
  const { n, D, X } = data;
  const h = unpack(theta, D);
  const factor = cholesky(covariance(data, h), n);
  if (factor === null) return Infinity;
  const { L } = factor;
  const c = profiledMean(L, n, data.y);
  const alpha = solveUpper(
    L,
    n,
    solveLower(
      L,
      n,
      Float64Array.from(data.y, (v) => v - c),
    ),
  );
  let fit = 0;
  for (let i = 0; i < n; i++) fit += (alpha[i] as number) * ((data.y[i] as number) - c);
  const logLik = -0.5 * fit - 0.5 * logDeterminant(L, n) - 0.5 * n * Math.log(2 * Math.PI);

  const Kinv = cholInverse(L, n);
  grad.fill(0);
  const il = h.inverseLengthscales;
  const d2 = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const wii = (alpha[i] as number) ** 2 - (Kinv[i * n + i] as number);
    grad[D] = (grad[D] as number) + 0.5 * wii * h.signal;
    grad[D + 1] = (grad[D + 1] as number) + 0.5 * wii * (h.noise - NOISE_FLOOR);
    for (let j = 0; j < i; j++) {
      // Off-diagonal pairs count twice; the 1/2 of eq. 5.9 cancels.
      const w = (alpha[i] as number) * (alpha[j] as number) - (Kinv[i * n + j] as number);
      let s = 0;
      for (let p = 0; p < D; p++) {
        const d = ((X[i * D + p] as number) - (X[j * D + p] as number)) * (il[p] as number);
        d2[p] = d * d;
        s += d * d;
      }
      const r = Math.sqrt(s);
      grad[D] = grad[D] + w * h.signal * matern52(r);
      const q = w * h.signal * matern52Slope(r);
      for (let p = 0; p < D; p++) grad[p] = (grad[p] as number) + q * (d2[p] as number);
    }
  }
  const value = -(logLik + logPrior(theta, priors, grad));
  for (let p = 0; p < grad.length; p++) grad[p] = -(grad[p] as number);
  return value;
}

/** Factorizes K at theta and precomputes what prediction needs; null if it cannot. */
export function posterior(data: GpData, theta: Float64Array): Posterior | null {
  const { n, D } = data;
  const h = unpack(theta, D);
  const factor = cholesky(covariance(data, h), n);
  if (factor === null) return null;
  const { L, jitter } = factor;
  const mean = n > 0 ? profiledMean(L, n, data.y) : 0;
  const residual = Float64Array.from(data.y, (v) => v - mean);
  const alpha = solveUpper(L, n, solveLower(L, n, Float64Array.from(residual)));
  let fit = 0;
  for (let i = 0; i < n; i++) fit += (alpha[i] as number) * (residual[i] as number);
  const logLikelihood = -0.5 * fit - 0.5 * logDeterminant(L, n) - 0.5 * n * Math.log(2 * Math.PI);
  return { data, theta, ...h, mean, L, alpha, jitter, logLikelihood };
}

export interface Prediction {
  mu: number;
  variance: number;
}

/** Cross-covariances k(x, X) into k. */
function crossCovariance(post: Posterior, x: ArrayLike<number>, k: Float64Array): void {
  const { X, n, D } = post.data;
  const il = post.inverseLengthscales;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < D; p++) {
      const d = ((x[p] as number) - (X[i * D + p] as number)) * (il[p] as number);
      s += d * d;
    }
    k[i] = post.signal * matern52(Math.sqrt(s));
  }
}

/** Posterior mean and latent variance at x (R&W eqs. 2.25-2.26). */
export function predict(post: Posterior, x: ArrayLike<number>, work?: Float64Array): Prediction {
  const n = post.data.n;
  const k = work ?? new Float64Array(n);
  crossCovariance(post, x, k);
  let mu = post.mean;
  for (let i = 0; i < n; i++) mu += (k[i] as number) * (post.alpha[i] as number);
  solveLower(post.L, n, k);
  let vv = 0;
  for (let i = 0; i < n; i++) vv += (k[i] as number) ** 2;
  return { mu, variance: Math.max(post.signal - vv, 1e-12 * post.signal) };
}

/** Mean and variance at x with their gradients with respect to x. */
export function predictWithGradient(
  post: Posterior,
  x: ArrayLike<number>,
  dMu: Float64Array,
  dVariance: Float64Array,
): Prediction {
  const { X, n, D } = post.data;
  const il = post.inverseLengthscales;
  const k = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < D; p++) {
      const d = ((x[p] as number) - (X[i * D + p] as number)) * (il[p] as number);
      s += d * d;
    }
    const r = Math.sqrt(s);
    k[i] = post.signal * matern52(r);
    q[i] = post.signal * matern52Slope(r);
  }
  let mu = post.mean;
  for (let i = 0; i < n; i++) mu += (k[i] as number) * (post.alpha[i] as number);
  const v = solveLower(post.L, n, Float64Array.from(k));
  let vv = 0;
  for (let i = 0; i < n; i++) vv += (v[i] as number) ** 2;
  const w = solveUpper(post.L, n, v);

  // dk_i/dx_p = -q_i (x_p - X_ip) / l_p^2; d var = -2 w' dk.
  dMu.fill(0);
  dVariance.fill(0);
  for (let i = 0; i < n; i++) {
    const a = (post.alpha[i] as number) * (q[i] as number);
    const b = (w[i] as number) * (q[i] as number);
    for (let p = 0; p < D; p++) {
      const t = ((x[p] as number) - (X[i * D + p] as number)) * (il[p] as number) ** 2;
      dMu[p] = (dMu[p] as number) - a * t;
      dVariance[p] = (dVariance[p] as number) + 2 * b * t;
    }
  }
  return { mu, variance: Math.max(post.signal - vv, 1e-12 * post.signal) };
}

/**
 * Conditions on one more point with target y (a fantasy), keeping the
 * hyperparameters and the mean: O(n^2) through a rank-one extension of L.
 */
export function addPoint(post: Posterior, x: ArrayLike<number>, y: number): Posterior | null {
  const { n, D } = post.data;
  const k = new Float64Array(n);
  crossCovariance(post, x, k);
  const L = choleskyAppend(post.L, n, k, post.signal + post.noise + post.jitter);
  if (L === null) return null;
  const X = new Float64Array((n + 1) * D);
  X.set(post.data.X);
  X.set(
    Array.from({ length: D }, (_, p) => x[p] as number),
    n * D,
  );
  const ys = new Float64Array(n + 1);
  ys.set(post.data.y);
  ys[n] = y;
  const knownNoise = new Float64Array(n + 1);
  knownNoise.set(post.data.knownNoise);
  const data: GpData = { X, n: n + 1, D, y: ys, knownNoise };
  const residual = Float64Array.from(ys, (v) => v - post.mean);
  const alpha = solveUpper(L, n + 1, solveLower(L, n + 1, residual));
  return { ...post, data, L, alpha };
}

/** Posterior means at the training points: y - (noise) alpha, without a solve. */
export function trainingMeans(post: Posterior): Float64Array {
  const { y, knownNoise, n } = post.data;
  return Float64Array.from({ length: n }, (_, i) => {
    const s2 = post.noise + post.jitter + (knownNoise[i] as number);
    return (y[i] as number) - s2 * (post.alpha[i] as number);
  });
}
