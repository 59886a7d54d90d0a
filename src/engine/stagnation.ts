import type { Posterior } from './gp.ts';
import { matern52 } from './kernel.ts';

/**
 * Escaping a converged basin. Once the incumbent has stopped improving, EI keeps
 * spending evaluations next to it: a GP fitted on points clustered in one basin
 * takes its lengthscales from that basin and is confident that nothing elsewhere
 * beats it, right or wrong. When the search has stalled for stallSteps(D)
 * successes and the best log EI has fallen below LOG_EI_EXHAUSTED, where EGO
 * would stop, the step instead maximizes EI outside the incumbent's
 * neighbourhood (the points whose kernel correlation with it exceeds
 * EXCLUDED_CORRELATION), under a model of the observations there (awayModel in
 * offline.ts). A basin left behind is tabu, in the spirit of the restarts of
 * trust-region BO (Eriksson et al., "Scalable global optimization via local
 * Bayesian optimization", NeurIPS 2019), but within one global search.
 */

/** A gain smaller than this, in standardized GP units, does not count as progress. */
export const MIN_GAIN = 0.001;
/** Successes without progress before the search looks elsewhere. */
export function stallSteps(D: number): number {
  return Math.max(5, D);
}
/**
 * Below this log EI (in standardized units) the model expects nothing more near
 * the incumbent: EGO stops there (Jones, Schonlau and Welch, "Efficient global
 * optimization of expensive black-box functions", 1998, stop at EI below 1% of
 * the best value); a stalled search looks elsewhere instead.
 */
export const LOG_EI_EXHAUSTED = Math.log(1e-3);
/** Matern-5/2 correlation at about 2.2 lengthscales. */
export const EXCLUDED_CORRELATION = 0.1;

/** Successes since the last one that raised the best value by at least MIN_GAIN. */
export function stallLength(y: ArrayLike<number>, successes: number): number {
  let best = -Infinity;
  let last = 0;
  for (let i = 0; i < successes; i++) {
    const v = y[i] as number;
    if (v >= best + MIN_GAIN) last = i;
    best = Math.max(best, v);
  }
  return successes === 0 ? 0 : successes - 1 - last;
}

/** Whether the search has stalled long enough to look outside the incumbent's neighbourhood. */
export function shouldExplore(stall: number, D: number): boolean {
  return stall >= stallSteps(D);
}

/** A predicate that is true for points too correlated with the incumbent. */
export function excludedNear(post: Posterior, center: Float64Array): (u: Float64Array) => boolean {
  const il = post.inverseLengthscales;
  return (u) => {
    let s = 0;
    for (let p = 0; p < center.length; p++) {
      const d = ((u[p] as number) - (center[p] as number)) * (il[p] as number);
      s += d * d;
    }
    return matern52(Math.sqrt(s)) > EXCLUDED_CORRELATION;
  };
}
