/**
 * Output transform: values to maximize become standardized targets through a
 * Yeo-Johnson power transform ("A new family of power transformations to improve
 * normality or symmetry", Biometrika, 2000) whose exponent is fitted by maximum
 * likelihood of normality, as HEBO does (Cowen-Rivers et al., JAIR 2022). For the
 * usual skew of an objective (a long tail of bad values) the fitted exponent
 * compresses that tail logarithmically, so a few terrible values do not flatten
 * the differences among the good ones, and stretches the top, where the optimum is.
 */

const LAMBDA_RANGE = [1, 4] as const;

export interface OutputTransform {
  /** Transformed targets of the successful observations, then the failed ones. */
  y: Float64Array;
  /** Known noise variances in transformed units (0 when unknown). */
  noise: Float64Array;
  /** Target given to failed observations: below the worst success. */
  failedValue: number;
  lambda: number;
}

export function transformOutputs(
  values: number[],
  stddevs: (number | null)[],
  failedCount: number,
): OutputTransform {
  const n = values.length;
  const { center, scale } = robustScale(values);
  const z = values.map((v) => (v - center) / scale);
  const lambda = n >= 3 ? fitLambda(z) : 1;
  const warped = z.map((x) => yeoJohnson(x, lambda));
  const after = moments(warped);

  const y = new Float64Array(n + failedCount);
  const noise = new Float64Array(n + failedCount);
  let worst = Infinity;
  for (let i = 0; i < n; i++) {
    y[i] = ((warped[i] as number) - after.mean) / after.scale;
    worst = Math.min(worst, y[i] as number);
    const sd = stddevs[i];
    if (typeof sd === 'number' && sd > 0 && Number.isFinite(sd)) {
      // First-order propagation through the transform: sd * |dT/dv|.
      const slope = yeoJohnsonSlope(z[i] as number, lambda) / (scale * after.scale);
      noise[i] = (sd * slope) ** 2;
    }
  }
  const failedValue = n === 0 ? -1 : worst - 1;
  for (let i = n; i < n + failedCount; i++) y[i] = failedValue;
  return { y, noise, failedValue, lambda };
}

export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) {
    return Math.abs(lambda) < 1e-8 ? Math.log1p(x) : (Math.pow(1 + x, lambda) - 1) / lambda;
  }
  const mu = 2 - lambda;
  return Math.abs(mu) < 1e-8 ? -Math.log1p(-x) : -(Math.pow(1 - x, mu) - 1) / mu;
}

function yeoJohnsonSlope(x: number, lambda: number): number {
  return x >= 0 ? Math.pow(1 + x, lambda - 1) : Math.pow(1 - x, 1 - lambda);
}

/**
 * Profile log-likelihood of lambda under normality of the transformed values:
 * -n/2 log(var) + (lambda - 1) sum sign(x) log(1 + |x|) (Yeo and Johnson, eq. 3.1).
 */
function profileLogLikelihood(z: number[], lambda: number): number {
  const t = z.map((x) => yeoJohnson(x, lambda));
  const { variance } = moments(t);
  if (!(variance > 0) || !Number.isFinite(variance)) return -Infinity;
  let jacobian = 0;
  for (const x of z) jacobian += Math.sign(x) * Math.log1p(Math.abs(x));
  return -0.5 * z.length * Math.log(variance) + (lambda - 1) * jacobian;
}

/** Golden-section search for the most likely lambda in LAMBDA_RANGE. */
function fitLambda(z: number[]): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let [a, b] = LAMBDA_RANGE as readonly [number, number];
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = profileLogLikelihood(z, c);
  let fd = profileLogLikelihood(z, d);
  for (let k = 0; k < 40; k++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = profileLogLikelihood(z, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = profileLogLikelihood(z, d);
    }
  }
  const lambda = (a + b) / 2;
  return Number.isFinite(profileLogLikelihood(z, lambda)) ? lambda : 1;
}

/**
 * Median and interquartile range (as a normal's standard deviation, IQR / 1.349):
 * a scale that one extreme value cannot inflate; the standard deviation when the
 * quartiles coincide.
 */
function robustScale(xs: number[]): { center: number; scale: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const center = quantile(sorted, 0.5);
  return { center, scale: iqr > 0 ? iqr / 1.349 : moments(xs).scale };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const position = q * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const a = sorted[lo] as number;
  return a + (position - lo) * ((sorted[hi] as number) - a);
}

function moments(xs: number[]): { mean: number; scale: number; variance: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, scale: 1, variance: 0 };
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = n < 2 ? 0 : xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  return { mean, scale: sd > 0 && Number.isFinite(sd) ? sd : 1, variance };
}
