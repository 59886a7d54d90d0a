import { diagnostics } from './diagnostics.ts';
import { gridPoints } from './grid-search.ts';
import { suggestOffline } from './offline.ts';
import { randomPoint } from './random-search.ts';
import { createSpace } from './space.ts';
import type { SuggestDiagnostics, SuggestRequest, SuggestResult } from './types.ts';

export { createRandom } from './random.ts';
export { quickPoint, type QuickRequest } from './local.ts';
export type * from './types.ts';

/**
 * The optimizer's entry: `count` valid points for the experiment's type, with
 * diagnostics. Never throws for a valid request; a failure inside the model falls
 * back to random points and says so in the diagnostics.
 */
export function suggest(request: SuggestRequest): SuggestResult {
  const start = request.clock();
  const count = Math.max(1, Math.floor(request.count));
  const space = createSpace(request.parameters);

  switch (request.type) {
    case 'random': {
      const points = Array.from({ length: count }, () => randomPoint(space, request.random));
      return finish(points, diagnostics('random', request, start), null);
    }
    case 'grid': {
      const used = [...request.observations.map((o) => o.assignments), ...request.pending];
      const result = gridPoints(space, used, count);
      const strategy = result.exhausted ? 'exhausted' : 'grid';
      return finish(result.points, diagnostics(strategy, request, start), null);
    }
    case 'offline':
      return offlineOrFallback(request, space, count, start);
  }
}

function offlineOrFallback(
  request: SuggestRequest,
  space: ReturnType<typeof createSpace>,
  count: number,
  start: number,
): SuggestResult {
  try {
    const result = suggestOffline({ request, space, count, start });
    result.diagnostics.elapsedMs = request.clock() - start;
    return result;
  } catch (error) {
    // A numerical failure must not reach the caller: random points keep the experiment going.
    const points = Array.from({ length: count }, () => randomPoint(space, request.random));
    const d = diagnostics('random-fallback', request, start);
    d.notes.push(`model failed: ${error instanceof Error ? error.message : String(error)}`);
    return finish(points, d, request.warmStart ?? null);
  }
}

function finish(
  points: SuggestResult['points'],
  d: SuggestDiagnostics,
  state: unknown,
): SuggestResult {
  return { points, diagnostics: d, state };
}
