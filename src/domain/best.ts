import type { MetricDef, ObservationRecord } from './types.ts';

// Which observations are best: constraint thresholds decide feasibility; one
// optimized metric gives the single best, two give the Pareto front.

type Oriented = (observation: ObservationRecord) => number;

const valueOf = (
  observation: Pick<ObservationRecord, 'values'>,
  metric: MetricDef,
): number | undefined => observation.values.find((entry) => entry.metricId === metric.id)?.value;

/** The metric's value turned so that larger is better. */
function oriented(metric: MetricDef): Oriented {
  const sign = metric.objective === 'maximize' ? 1 : -1;
  return (observation) => sign * (valueOf(observation, metric) ?? Number.NEGATIVE_INFINITY);
}

function meetsThreshold(
  observation: Pick<ObservationRecord, 'values'>,
  metric: MetricDef,
): boolean {
  if (metric.threshold === null) return true;
  const value = valueOf(observation, metric);
  if (value === undefined) return false;
  return metric.objective === 'maximize' ? value >= metric.threshold : value <= metric.threshold;
}

export function isFeasible(
  observation: Pick<ObservationRecord, 'failed' | 'values'>,
  metrics: MetricDef[],
): boolean {
  if (observation.failed) return false;
  return metrics
    .filter((metric) => metric.strategy !== 'store')
    .every((metric) => meetsThreshold(observation, metric));
}

export const optimizedMetrics = (metrics: MetricDef[]): MetricDef[] =>
  metrics.filter((metric) => metric.strategy === 'optimize');

const byId = (a: ObservationRecord, b: ObservationRecord) =>
  a.id.length - b.id.length || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function single(feasible: ObservationRecord[], metric: MetricDef): ObservationRecord[] {
  const score = oriented(metric);
  let best: ObservationRecord | undefined;
  for (const observation of feasible) {
    if (!best || score(observation) > score(best)) best = observation;
  }
  return best ? [best] : [];
}

function dominates(a: ObservationRecord, b: ObservationRecord, scores: Oriented[]): boolean {
  const all = scores.every((score) => score(a) >= score(b));
  return all && scores.some((score) => score(a) > score(b));
}

function paretoFront(feasible: ObservationRecord[], metrics: MetricDef[]): ObservationRecord[] {
  const scores = metrics.map(oriented);
  const front = feasible.filter((candidate) =>
    feasible.every((other) => !dominates(other, candidate, scores)),
  );
  const first = scores[0];
  return first ? front.sort((a, b) => first(b) - first(a) || byId(a, b)) : front;
}

/** The best observations, best first. Ties go to the earliest observation. */
export function bestObservations(
  observations: ObservationRecord[],
  metrics: MetricDef[],
): ObservationRecord[] {
  const feasible = observations.filter((o) => isFeasible(o, metrics)).sort(byId);
  const optimized = optimizedMetrics(metrics);
  const [only] = optimized;
  if (optimized.length === 1 && only) return single(feasible, only);
  if (optimized.length > 1) return paretoFront(feasible, optimized);
  return feasible.reverse();
}
