import type {
  EngineObservation,
  Parameter as EngineParameter,
  RandomSource,
} from '../engine/index.ts';
import { isFeasible, optimizedMetrics } from '../domain/best.ts';
import { currentAssignments } from '../domain/space.ts';
import type { ExperimentDef, MetricDef, ModelObservation, ParameterDef } from '../domain/types.ts';

// The experiment and its history as the optimizer sees them: one value to
// maximize per observation. Minimized metrics are negated; two optimized
// metrics are folded into one by a random Chebyshev scalarization (ParEGO,
// Knowles 2006), drawn anew for each suggestion so the front is covered;
// observations that break a constraint rank below every feasible one.

export function engineParameter(parameter: ParameterDef): EngineParameter {
  if (parameter.type === 'categorical') {
    return {
      name: parameter.name,
      type: 'categorical',
      categories: parameter.categoricalValues ?? [],
    };
  }
  const grid = parameter.grid;
  const min = grid ? (grid[0] ?? 0) : (parameter.bounds?.min ?? 0);
  const max = grid ? (grid.at(-1) ?? 1) : (parameter.bounds?.max ?? 1);
  return { name: parameter.name, type: parameter.type, min, max, log: parameter.log, grid };
}

const metricValue = (observation: ModelObservation, metric: MetricDef) =>
  observation.values.find((value) => value.metricId === metric.id);

const sign = (metric: MetricDef) => (metric.objective === 'maximize' ? 1 : -1);

interface Scalarizer {
  value(observation: ModelObservation): number;
  noise(observation: ModelObservation): number | null;
}

function singleMetric(metric: MetricDef): Scalarizer {
  return {
    value: (o) => sign(metric) * (metricValue(o, metric)?.value ?? 0),
    noise: (o) => metricValue(o, metric)?.valueStddev ?? null,
  };
}

function chebyshev(
  metrics: MetricDef[],
  done: ModelObservation[],
  random: RandomSource,
): Scalarizer {
  const ranges = metrics.map((metric) => {
    const values = done.map((o) => sign(metric) * (metricValue(o, metric)?.value ?? 0));
    const low = Math.min(...values);
    const high = Math.max(...values);
    return { low, span: high - low > 0 ? high - low : 1 };
  });
  const raw = metrics.map(() => random() + 1e-3);
  const total = raw.reduce((sum, weight) => sum + weight, 0);
  const weights = raw.map((weight) => weight / total);
  const scaled = (o: ModelObservation) =>
    metrics.map((metric, i) => {
      const range = ranges[i] ?? { low: 0, span: 1 };
      return (sign(metric) * (metricValue(o, metric)?.value ?? 0) - range.low) / range.span;
    });
  return {
    value: (o) => {
      const parts = scaled(o).map((x, i) => (weights[i] ?? 0) * x);
      return Math.min(...parts) + 0.05 * parts.reduce((sum, x) => sum + x, 0);
    },
    noise: () => null,
  };
}

function scalarizer(experiment: ExperimentDef, done: ModelObservation[], random: RandomSource) {
  const optimized = optimizedMetrics(experiment.metrics);
  if (optimized.length > 1) return chebyshev(optimized, done, random);
  const [metric] = optimized.length > 0 ? optimized : experiment.metrics;
  return metric ? singleMetric(metric) : null;
}

/** Total relative violation of the constraint thresholds; 0 when feasible. */
function violation(observation: ModelObservation, metrics: MetricDef[]): number {
  return metrics
    .filter((metric) => metric.strategy === 'constraint' && metric.threshold !== null)
    .reduce((total, metric) => {
      const value = metricValue(observation, metric)?.value ?? 0;
      const gap = sign(metric) * ((metric.threshold ?? 0) - value);
      return total + Math.max(0, gap) / (Math.abs(metric.threshold ?? 0) + 1);
    }, 0);
}

export function engineObservations(
  experiment: ExperimentDef,
  observations: ModelObservation[],
  random: RandomSource,
): EngineObservation[] {
  const done = observations.filter((o) => !o.failed);
  const scalar = scalarizer(experiment, done, random);
  const scores = new Map(done.map((o) => [o.id, scalar ? scalar.value(o) : 0]));
  const feasibleScores = done
    .filter((o) => isFeasible(o, experiment.metrics))
    .map((o) => scores.get(o.id) ?? 0);
  const floor =
    feasibleScores.length > 0 ? Math.min(...feasibleScores) : Math.min(0, ...scores.values());
  const spread = Math.max(1e-9, Math.max(...scores.values(), floor) - floor);

  return observations.map((observation) => {
    const assignments = currentAssignments(experiment.parameters, observation.assignments);
    if (observation.failed || !scalar) {
      return { assignments, value: null, noise: null, failed: true };
    }
    const broken = violation(observation, experiment.metrics);
    const score = scores.get(observation.id) ?? 0;
    const value = broken > 0 ? Math.min(score, floor) - spread * (0.1 + broken) : score;
    return {
      assignments,
      value,
      noise: broken > 0 ? null : scalar.noise(observation),
      failed: false,
    };
  });
}
