import { createRandom, suggest } from '../../src/engine/index.ts';
import type {
  EngineObservation,
  ExperimentType,
  Parameter,
  SuggestRequest,
} from '../../src/engine/types.ts';

export const mixedSpace: Parameter[] = [
  { name: 'lr', type: 'double', min: 1e-5, max: 1e-1, log: true, grid: null },
  { name: 'x', type: 'double', min: -2, max: 3, log: false, grid: null },
  { name: 'layers', type: 'int', min: 1, max: 6, log: false, grid: null },
  { name: 'width', type: 'int', min: 16, max: 256, log: false, grid: [16, 32, 64, 128, 256] },
  { name: 'dropout', type: 'double', min: 0, max: 0.5, log: false, grid: [0, 0.1, 0.25, 0.5] },
  { name: 'optimizer', type: 'categorical', categories: ['adam', 'sgd', 'rmsprop'] },
];

/** A clock that advances one millisecond per reading, deterministic for tests. */
export function stepClock(step = 1): () => number {
  let t = 0;
  return () => (t += step);
}

export function request(
  parameters: Parameter[],
  options: Partial<SuggestRequest> & { type?: ExperimentType; seed?: number } = {},
): SuggestRequest {
  const { seed = 1, ...rest } = options;
  return {
    type: 'offline',
    parameters,
    observations: [],
    pending: [],
    count: 1,
    random: createRandom(seed),
    clock: stepClock(0),
    timeBudgetMs: 10_000,
    ...rest,
  };
}

export function observation(
  assignments: EngineObservation['assignments'],
  value: number | null,
): EngineObservation {
  return { assignments, value, noise: null, failed: value === null };
}

export { suggest };
