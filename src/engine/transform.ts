/**
 * Output transform: values to maximize become standardized targets. Values far
 * below the median are compressed logarithmically, so that a few terrible results
 * (a diverged training run) do not stretch the scale and flatten the differences
 * among the good ones; the upper side, where the optimum is, is left linear. The
 * idea follows the warped-GP practice of HEBO (Cowen-Rivers et al., 2022), in a
 * simpler, monotone, closed form.
 */

/** Compression starts this many standard deviations below the median. */
const KNEE = 1;

export interface OutputTransform {
  /** Transformed targets of the successful observations, then the failed ones. */
  y: Float64Array;
  /** Known noise variances in transformed units (0 when unknown). */
  noise: Float64Array;
  /** Target given to failed observations: below the worst success. */
  failedValue: number;
}

export function transformOutputs(
  values: number[],
  stddevs: (number | null)[],
  failedCount: number,
): OutputTransform {
  const n = values.length;
  const median = quantile(values, 0.5);
  const spread = standardDeviation(values);
  const scale = spread > 0 && Number.isFinite(spread) ? spread : 1;

  const warped = values.map((v) => warp((v - median) / scale));
  const slopes = values.map((v) => warpSlope((v - median) / scale));
  const mean = warped.reduce((s, w) => s + w, 0) / Math.max(1, n);
  const spread2 = standardDeviation(warped);
  const scale2 = spread2 > 0 ? spread2 : 1;

  const y = new Float64Array(n + failedCount);
  const noise = new Float64Array(n + failedCount);
  let worst = Infinity;
  for (let i = 0; i < n; i++) {
    y[i] = ((warped[i] as number) - mean) / scale2;
    worst = Math.min(worst, y[i] as number);
    const sd = stddevs[i];
    if (typeof sd === 'number' && sd > 0 && Number.isFinite(sd)) {
      noise[i] = (((sd / scale) * (slopes[i] as number)) / scale2) ** 2;
    }
  }
  const failedValue = n === 0 ? -1 : worst - 1;
  for (let i = n; i < n + failedCount; i++) y[i] = failedValue;
  return { y, noise, failedValue };
}

/** Identity above -KNEE, then -KNEE - log(1 + (-KNEE - z)): continuous with slope 1 at the knee. */
export function warp(z: number): number {
  return z >= -KNEE ? z : -KNEE - Math.log1p(-KNEE - z);
}

function warpSlope(z: number): number {
  return z >= -KNEE ? 1 : 1 / (1 + (-KNEE - z));
}

function standardDeviation(xs: number[]): number {
  if (xs.length < 2) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
}

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  return (
    (sorted[lo] as number) + (position - lo) * ((sorted[hi] as number) - (sorted[lo] as number))
  );
}
