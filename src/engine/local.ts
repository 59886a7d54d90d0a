import { createSpace, decode, encode, type Space } from './space.ts';
import { randomPoint } from './random-search.ts';
import type { Assignments, Parameter, RandomSource } from './types.ts';

// The quick path: a point chosen without a model, for when the model's points
// are used up and a worker must not wait for the next ones. Most draws are a
// step away from one of the best points seen so far (the model would look
// there too), the rest uniform over the space, so that the quick path keeps
// exploring as well.

export interface QuickRequest {
  parameters: Parameter[];
  /** The best points seen so far, best first; none makes every draw uniform. */
  incumbents: Assignments[];
  random: RandomSource;
  /** The share of draws near an incumbent; the rest are uniform. */
  local?: number;
  /** The standard deviation of a step, as a share of each numeric parameter's range. */
  spread?: number;
}

const DEFAULT_LOCAL = 0.7;
const DEFAULT_SPREAD = 0.1;
/** The chance that a step changes a categorical parameter to another category. */
const SWITCH = 0.2;

/** One standard normal draw (Box–Muller) from the uniform source. */
function gaussian(random: RandomSource): number {
  const u = Math.max(random(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A valid point near `incumbent`: numeric features moved by a Gaussian step, categories kept or switched. */
function stepFrom(space: Space, incumbent: Assignments, random: RandomSource, spread: number) {
  const u = encode(space, incumbent);
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] ?? 0;
    if (p.type === 'categorical') {
      if (p.categories.length < 2 || random() >= SWITCH) return;
      const k = Math.floor(random() * p.categories.length);
      for (let c = 0; c < p.categories.length; c++) u[o + c] = c === k ? 1 : 0;
      return;
    }
    const moved = (u[o] ?? 0.5) + spread * gaussian(random);
    // Reflected at the bounds, so that an incumbent on the edge is not pinned to it.
    u[o] = moved < 0 ? Math.min(1, -moved) : moved > 1 ? Math.max(0, 2 - moved) : moved;
  });
  return decode(space, u);
}

/** One quick point: near an incumbent (the better ones more often) or uniform. */
export function quickPoint(request: QuickRequest): Assignments {
  const space = createSpace(request.parameters);
  const { incumbents, random } = request;
  if (incumbents.length === 0 || random() >= (request.local ?? DEFAULT_LOCAL)) {
    return randomPoint(space, random);
  }
  // The best is chosen half the time, the second a quarter, and so on.
  let index = 0;
  while (index < incumbents.length - 1 && random() < 0.5) index++;
  const incumbent = incumbents[index] as Assignments;
  return stepFrom(space, incumbent, random, request.spread ?? DEFAULT_SPREAD);
}
