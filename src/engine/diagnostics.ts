import type { SuggestDiagnostics, SuggestRequest } from './types.ts';

/** Empty diagnostics for a strategy, timed from `start`. */
export function diagnostics(
  strategy: SuggestDiagnostics['strategy'],
  request: SuggestRequest,
  start: number,
): SuggestDiagnostics {
  return {
    strategy,
    hyperparameters: null,
    logLikelihood: null,
    jitter: null,
    elapsedMs: request.clock() - start,
    timedOut: false,
    notes: [],
  };
}
