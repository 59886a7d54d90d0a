import type { WireMetric, WireObservation } from './wire.ts';

// The best-so-far curve of an experiment, and the sparkline that draws it. Feasibility follows
// the server's rule (src/domain/best.ts): a failed observation never counts, and neither does one
// that misses the threshold of a metric that is optimized or a constraint.

/** The one optimized metric, or null when there are two (a Pareto front has no single best). */
export function optimizedMetric(metrics: readonly WireMetric[]): WireMetric | null {
  const optimized = metrics.filter((metric) => metric.strategy === 'optimize');
  return optimized.length === 1 ? (optimized[0] ?? null) : null;
}

const valueOf = (observation: WireObservation, metric: WireMetric): number | undefined =>
  observation.values.find((entry) => entry.name === metric.name)?.value;

function meetsThreshold(observation: WireObservation, metric: WireMetric): boolean {
  if (metric.threshold === null) return true;
  const value = valueOf(observation, metric);
  if (value === undefined) return false;
  return metric.objective === 'maximize' ? value >= metric.threshold : value <= metric.threshold;
}

export function isFeasible(observation: WireObservation, metrics: readonly WireMetric[]): boolean {
  if (observation.failed) return false;
  return metrics
    .filter((metric) => metric.strategy !== 'store')
    .every((metric) => meetsThreshold(observation, metric));
}

/** Ids are strings of digits: a shorter one is older. */
export const byCreation = (a: WireObservation, b: WireObservation): number =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The best value of the optimized metric after each observation, in the order they were made,
 * from the first feasible one on. Empty when the experiment optimizes two metrics.
 */
export function bestSoFar(
  observations: readonly WireObservation[],
  metrics: readonly WireMetric[],
): number[] {
  const metric = optimizedMetric(metrics);
  if (metric === null) return [];
  const better = (a: number, b: number) => (metric.objective === 'maximize' ? a > b : a < b);

  const curve: number[] = [];
  let best: number | undefined;
  for (const observation of [...observations].sort(byCreation)) {
    const value = valueOf(observation, metric);
    if (value !== undefined && isFeasible(observation, metrics)) {
      if (best === undefined || better(value, best)) best = value;
    }
    if (best !== undefined) curve.push(best);
  }
  return curve;
}

const blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * The values as at most `width` block characters, lowest value lowest. A longer series is
 * sampled at the end of each of `width` equal stretches, which for a best-so-far curve is the
 * best at that point. A flat series is a flat line at the bottom.
 */
export function sparkline(values: readonly number[], width: number): string {
  const count = Math.min(values.length, Math.max(0, Math.floor(width)));
  const sampled = Array.from(
    { length: count },
    (_, index) => values[Math.ceil(((index + 1) * values.length) / count) - 1] ?? 0,
  );
  // Halves, so that the span of values near the largest doubles cannot overflow.
  const low = Math.min(...sampled) / 2;
  const span = Math.max(...sampled) / 2 - low;

  return sampled
    .map((value) => {
      const level = span === 0 ? 0 : Math.round(((value / 2 - low) / span) * (blocks.length - 1));
      return blocks[level];
    })
    .join('');
}
