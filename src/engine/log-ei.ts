/**
 * Log expected improvement in the numerically stable form of Ament, Daulton,
 * Eriksson, Balandat and Bakshy, "Unexpected Improvements to Expected Improvement
 * for Bayesian Optimization" (NeurIPS 2023), eq. (9): with z = (mu - best) / sigma,
 * EI = sigma h(z), h(z) = phi(z) + z Phi(z), and log h computed in three branches so
 * that it stays finite, with a usable slope, where EI itself underflows to zero.
 */

const C1 = 0.5 * Math.log(2 * Math.PI);
const C2 = 0.5 * Math.log(Math.PI / 2);
const SQRT1_2 = Math.SQRT1_2;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) for |x| < 2 from the series erf x = (2/sqrt pi) e^{-x^2} sum 2^n x^{2n+1}/(2n+1)!!
 * (Abramowitz and Stegun 7.1.6), whose terms are all positive.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfcx(x) = e^{x^2} erfc(x) for x >= 2 from Laplace's continued fraction
 * erfc x = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))
 * (A&S 7.1.14), evaluated by the modified Lentz method.
 */
function erfcxContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / (Math.sqrt(Math.PI) * f);
}

/** Scaled complementary error function e^{x^2} erfc(x). */
export function erfcx(x: number): number {
  if (x >= 2) return erfcxContinuedFraction(x);
  if (x > -2) return Math.exp(x * x) * (1 - erfSeries(x));
  // erfc(x) = 2 - erfc(-x) for negative x.
  return 2 * Math.exp(x * x) - erfcxContinuedFraction(-x);
}

export function erfc(x: number): number {
  if (x >= 2) return erfcxContinuedFraction(x) * Math.exp(-x * x);
  if (x > -2) return 1 - erfSeries(x);
  return 2 - erfcxContinuedFraction(-x) * Math.exp(-x * x);
}

/** Standard normal CDF. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - C1);
}

/** log(1 - e^a) for a < 0 (Maechler, "Accurately computing log(1 - exp(-|a|))", 2012). */
export function log1mexp(a: number): number {
  return a > -Math.LN2 ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
}

/** Below this z, log h uses the asymptotic series (far tail). */
const TAIL = -100;

/** log h(z), h(z) = phi(z) + z Phi(z), and its derivative d log h / dz = Phi(z) / h(z). */
export function logH(z: number): { value: number; slope: number } {
  if (z > -1) {
    const Phi = normalCdf(z);
    const h = normalPdf(z) + z * Phi;
    return { value: Math.log(h), slope: Phi / h };
  }
  if (z < TAIL) return logHTail(z);
  // For z <= -1: log h = -z^2/2 - c1 + r and log Phi = -z^2/2 + log(erfcx(-z/sqrt2)/2).
  const scaled = erfcx(-z * SQRT1_2);
  const r = log1mexp(Math.log(scaled * -z) + C2);
  return { value: -0.5 * z * z - C1 + r, slope: Math.exp(Math.log(0.5 * scaled) + C1 - r) };
}

/**
 * The far tail from the asymptotic (Mills ratio) expansions, A&S 7.1.23:
 * Phi(z) ~ phi(z)/|z| (1 - 1/z^2 + 3/z^4 - 15/z^6 + 105/z^8) and, integrating,
 * h(z) ~ phi(z)/z^2 (1 - 3/z^2 + 15/z^4 - 105/z^6 + 945/z^8). Past |z| = 100 the
 * omitted terms are below 1e-16 relative. This extends the paper's last branch
 * (log h ~ -z^2/2 - c1 - 2 log|z|), which it keeps as the leading terms, and
 * avoids the cancellation in 1 - |z| erfcx sqrt(pi/2) that costs eps z^2 there.
 */
function logHTail(z: number): { value: number; slope: number } {
  const w = 1 / (z * z);
  const hSeries = 1 + w * (-3 + w * (15 + w * (-105 + w * 945)));
  const PhiSeries = 1 + w * (-1 + w * (3 + w * (-15 + w * 105)));
  const value = -0.5 * z * z - C1 - Math.log(z * z) + Math.log(hSeries);
  return { value, slope: (-z * PhiSeries) / hSeries };
}

/**
 * log EI at a point from the posterior mean and standard deviation there, and the
 * partial derivatives of log EI with respect to mu and sigma.
 */
export function logExpectedImprovement(
  mu: number,
  sigma: number,
  best: number,
): { value: number; dMu: number; dSigma: number } {
  const s = Math.max(sigma, 1e-12);
  const z = (mu - best) / s;
  const { value, slope } = logH(z);
  // d/dmu = slope/s; d/dsigma = 1/s - slope z / s.
  return { value: Math.log(s) + value, dMu: slope / s, dSigma: (1 - slope * z) / s };
}
