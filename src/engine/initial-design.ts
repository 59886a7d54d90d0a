import { drawSeed } from './random.ts';
import { designPoint, randomPoint } from './random-search.ts';
import { pointKey, type Space } from './space.ts';
import { Sobol } from './sobol.ts';
import type { Assignments, SuggestRequest } from './types.ts';

/** Engine state carried between calls of one experiment. */
export interface EngineState {
  sobolSeed: number;
  hyperparameters?: number[];
  fittedAt?: number;
  /** The same for the model away from a stalled incumbent (see stagnation.ts). */
  awayHyperparameters?: number[];
  awayFittedAt?: number;
}

/**
 * Initial design size: grows with the dimension, as 2(d + 1) with d the number
 * of parameters, at least 5 and at most 20 so that high dimensions still reach
 * the model within a typical budget.
 */
export function initialDesignSize(space: Space): number {
  const d = space.parameters.length;
  return Math.min(20, Math.max(5, 2 * (d + 1)));
}

export function readState(warmStart: unknown, random: () => number): EngineState {
  if (typeof warmStart === 'object' && warmStart !== null) {
    const s = warmStart as Partial<EngineState>;
    if (typeof s.sobolSeed === 'number' && Number.isFinite(s.sobolSeed)) {
      const state: EngineState = { sobolSeed: s.sobolSeed | 0 };
      if (Array.isArray(s.hyperparameters) && s.hyperparameters.every(Number.isFinite)) {
        state.hyperparameters = s.hyperparameters;
      }
      if (typeof s.fittedAt === 'number') state.fittedAt = s.fittedAt;
      if (Array.isArray(s.awayHyperparameters) && s.awayHyperparameters.every(Number.isFinite)) {
        state.awayHyperparameters = s.awayHyperparameters;
      }
      if (typeof s.awayFittedAt === 'number') state.awayFittedAt = s.awayFittedAt;
      return state;
    }
  }
  return { sobolSeed: drawSeed(random) };
}

/**
 * The next points of the experiment's scrambled Sobol sequence. The sequence's
 * seed lives in the state, so successive calls continue one sequence; points
 * already observed or pending (user-chosen ones included) count toward the
 * design, and a point equal to one of them is skipped.
 */
export function initialDesignPoints(
  space: Space,
  request: SuggestRequest,
  count: number,
): { points: Assignments[]; state: EngineState } {
  const state = readState(request.warmStart, request.random);
  const used = new Set<string>();
  for (const o of request.observations) used.add(pointKey(space, o.assignments));
  for (const a of request.pending) used.add(pointKey(space, a));

  const sobol = new Sobol(Math.max(1, space.parameters.length), state.sobolSeed);
  sobol.seek(request.observations.length + request.pending.length);
  const points: Assignments[] = [];
  for (let tries = 0; points.length < count && tries < 64 * count + 256; tries++) {
    const a = designPoint(space, sobol.next());
    const key = pointKey(space, a);
    if (used.has(key)) continue;
    used.add(key);
    points.push(a);
  }
  // A small discrete space may have fewer free points than asked: fill with random draws.
  while (points.length < count) points.push(randomPoint(space, request.random));
  return { points, state };
}
