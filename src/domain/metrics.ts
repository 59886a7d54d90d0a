import { badRequest } from '../errors.ts';
import type { MetricDef, MetricValue, Objective, Strategy } from './types.ts';

// Metrics: the rules of a metric list, and the rules an observation's values
// must follow for the experiment's metrics.

export interface MetricInput {
  name: string;
  objective?: Objective | null | undefined;
  strategy?: Strategy | null | undefined;
  threshold?: number | null | undefined;
}

export type NewMetric = Omit<MetricDef, 'id'>;

export const limits = { optimize: 2, constraint: 4, total: 50 } as const;

function normalize(input: string | MetricInput): NewMetric {
  const metric = typeof input === 'string' ? { name: input } : input;
  return {
    name: metric.name,
    objective: metric.objective ?? 'maximize',
    strategy: metric.strategy ?? 'optimize',
    threshold: metric.threshold ?? null,
  };
}

/** Checks a metric list; `undefined` is the legacy form: one optimized metric without a name. */
export function toMetricDefs(inputs: Array<string | MetricInput> | undefined): NewMetric[] {
  if (inputs === undefined) {
    return [{ name: null, objective: 'maximize', strategy: 'optimize', threshold: null }];
  }
  const metrics = inputs.map(normalize);
  const names = new Set<string | null>();
  metrics.forEach((metric, index) => {
    if (names.has(metric.name)) {
      throw badRequest(`metrics[${index}].name: "${metric.name}" is used by two metrics.`);
    }
    names.add(metric.name);
  });

  const count = (strategy: Strategy) => metrics.filter((m) => m.strategy === strategy).length;
  const optimized = count('optimize');
  if (metrics.length > limits.total) {
    throw badRequest(`metrics: at most ${limits.total} metrics are allowed.`);
  }
  if (optimized > limits.optimize) {
    throw badRequest(`metrics: at most ${limits.optimize} metrics may have strategy "optimize".`);
  }
  if (count('constraint') > limits.constraint) {
    throw badRequest(
      `metrics: at most ${limits.constraint} metrics may have strategy "constraint".`,
    );
  }
  if (optimized + count('constraint') === 0) {
    throw badRequest('metrics: at least one metric must have strategy "optimize" or "constraint".');
  }
  metrics.forEach((metric, index) => checkThreshold(metric, index, optimized));
  return metrics;
}

function checkThreshold(metric: NewMetric, index: number, optimized: number): void {
  const field = `metrics[${index}].threshold`;
  if (metric.strategy === 'constraint' && metric.threshold === null) {
    throw badRequest(`${field} is required for a metric with strategy "constraint".`);
  }
  if (metric.strategy === 'store' && metric.threshold !== null) {
    throw badRequest(`${field} must be null for a metric with strategy "store".`);
  }
  if (metric.strategy === 'optimize' && metric.threshold !== null && optimized < 2) {
    throw badRequest(`${field} is only allowed for optimized metrics when there are two of them.`);
  }
}

/** Whether an experiment's metric list makes `observation_budget` required. */
export function budgetRequired(metrics: NewMetric[]): boolean {
  return (
    metrics.filter((metric) => metric.strategy === 'optimize').length > 1 ||
    metrics.some((metric) => metric.strategy === 'constraint')
  );
}

export interface ValueInput {
  name?: string | null | undefined;
  value: number;
  value_stddev?: number | null | undefined;
}

export interface ObservationValuesInput {
  failed?: boolean | null | undefined;
  values?: ValueInput[] | null | undefined;
  value?: number | null | undefined;
  value_stddev?: number | null | undefined;
}

const label = (name: string | null) => (name === null ? 'the unnamed metric' : `"${name}"`);

/** The values an observation stores, checked against the experiment's metrics. */
export function checkValues(
  metrics: MetricDef[],
  input: ObservationValuesInput,
  field = 'values',
): MetricValue[] {
  const legacy = input.value !== undefined && input.value !== null;
  if (input.failed === true) {
    if (legacy || (input.values && input.values.length > 0)) {
      throw badRequest(`${field}: a failed observation must not have values.`);
    }
    return [];
  }
  if (legacy && input.values) {
    throw badRequest(`${field}: give either values or the legacy value, not both.`);
  }
  if (legacy) return legacyValue(metrics, input.value as number, input.value_stddev, field);
  if (input.value_stddev !== undefined && input.value_stddev !== null) {
    throw badRequest(`value_stddev is only accepted together with value.`);
  }
  if (!input.values || input.values.length === 0) {
    throw badRequest(
      `${field} is required unless the observation is failed: give one entry per metric ` +
        `(${metrics.map((m) => label(m.name)).join(', ')}).`,
    );
  }
  return namedValues(metrics, input.values, field);
}

function legacyValue(
  metrics: MetricDef[],
  value: number,
  stddev: number | null | undefined,
  field: string,
): MetricValue[] {
  const [metric] = metrics;
  if (metrics.length !== 1 || !metric) {
    throw badRequest(
      `${field}: this experiment has ${metrics.length} metrics; report them in values, one entry each.`,
    );
  }
  return [{ metricId: metric.id, value, valueStddev: stddev ?? null }];
}

function namedValues(metrics: MetricDef[], values: ValueInput[], field: string): MetricValue[] {
  const byName = new Map(metrics.map((metric) => [metric.name, metric]));
  const seen = new Set<string>();
  const checked = values.map((entry, index) => {
    const name = entry.name ?? (metrics.length === 1 ? (metrics[0]?.name ?? null) : undefined);
    const metric = name === undefined ? undefined : byName.get(name);
    if (!metric) {
      const known = metrics.map((m) => label(m.name)).join(', ');
      throw badRequest(
        `${field}[${index}].name: ${entry.name ? `"${entry.name}" is not a metric of this experiment` : 'is required'}; the metrics are ${known}.`,
      );
    }
    if (seen.has(metric.id)) {
      throw badRequest(`${field}[${index}].name: ${label(metric.name)} is reported twice.`);
    }
    seen.add(metric.id);
    return { metricId: metric.id, value: entry.value, valueStddev: entry.value_stddev ?? null };
  });
  const missing = metrics.filter((metric) => !seen.has(metric.id));
  if (missing.length > 0) {
    throw badRequest(
      `${field} must hold one entry per metric; missing ${missing.map((m) => label(m.name)).join(', ')}.`,
    );
  }
  return checked;
}
