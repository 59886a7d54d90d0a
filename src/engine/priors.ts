/**
 * Priors on the GP hyperparameters, as densities on the positive values evaluated
 * at theta = log(value) (the convention of GPyTorch, which BoTorch's defaults use).
 *
 * Lengthscales: LogNormal(sqrt2 + log(D)/2, sqrt3), from Hvarfner, Hellsten and Nardi,
 * "Vanilla Bayesian Optimization Performs Great in High Dimensions" (ICML 2024):
 * the location grows like log sqrt(D), so the prior expects smoother functions as
 * the dimension grows and the fit does not overfit sparse data in many dimensions.
 * Noise variance: LogNormal(-4, 1), BoTorch's companion default. Signal variance
 * of the standardized outputs: LogNormal(0, 1), a weak pull towards one.
 */

export interface Priors {
  lengthscale: { loc: number; scale: number };
  signal: { loc: number; scale: number };
  noise: { loc: number; scale: number };
}

export function lengthscalePrior(D: number): { loc: number; scale: number } {
  return { loc: Math.SQRT2 + 0.5 * Math.log(Math.max(1, D)), scale: Math.sqrt(3) };
}

export function defaultPriors(D: number): Priors {
  return {
    lengthscale: lengthscalePrior(D),
    signal: { loc: 0, scale: 1 },
    noise: { loc: -8, scale: 2 },
  };
}

/**
 * log p(exp(theta)) for a log-normal density, up to a constant:
 * -(theta - loc)^2 / (2 scale^2) - theta; adds d/dtheta into grad[i].
 */
function logNormal(theta: number, prior: { loc: number; scale: number }): [number, number] {
  const z = (theta - prior.loc) / prior.scale;
  return [-0.5 * z * z - theta, -z / prior.scale - 1];
}

/** Sum of the log priors of theta = [log l_1..log l_D, log s2, log noise]; adds its gradient. */
export function logPrior(theta: Float64Array, priors: Priors, grad: Float64Array): number {
  const D = theta.length - 2;
  let total = 0;
  for (let i = 0; i < theta.length; i++) {
    const prior = i < D ? priors.lengthscale : i === D ? priors.signal : priors.noise;
    const [value, slope] = logNormal(theta[i] as number, prior);
    total += value;
    grad[i] = (grad[i] as number) + slope;
  }
  return total;
}
