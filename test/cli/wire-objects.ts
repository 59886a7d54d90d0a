import type { WireExperiment, WireMetric, WireParameter } from '../../src/cli/wire.ts';

// API objects for the command line's in-process tests, written out in the wire's shape.

export function numeric(
  name: string,
  type: 'double' | 'int',
  [min, max]: [number, number],
  log = false,
): WireParameter {
  return {
    name,
    type,
    bounds: { min, max },
    categorical_values: null,
    transformation: log ? 'log' : null,
  };
}

export function categorical(name: string, names: string[]): WireParameter {
  return {
    name,
    type: 'categorical',
    bounds: null,
    categorical_values: names.map((value, index) => ({ name: value, enum_index: index + 1 })),
    transformation: null,
  };
}

export const maximized = (name: string): WireMetric => ({
  name,
  objective: 'maximize',
  strategy: 'optimize',
  threshold: null,
});

/** An active experiment with a budget of 60 and no observations. */
export function experimentOf(parameters: WireParameter[], metrics: WireMetric[]): WireExperiment {
  return {
    id: '7',
    name: 'Text CNN',
    type: 'offline',
    state: 'active',
    development: false,
    parameters,
    metrics,
    observation_budget: 60,
    parallel_bandwidth: null,
    progress: { observation_count: 0, observation_budget_consumed: 0, best_observation: null },
    created: 1_700_000_000,
    updated: 1_700_000_004,
  };
}
