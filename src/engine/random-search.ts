import { fromDesign, type Space } from './space.ts';
import type { Assignments, RandomSource } from './types.ts';

/** One independent uniform draw: log-uniform for log parameters, uniform picks for discrete ones. */
export function randomPoint(space: Space, random: RandomSource): Assignments {
  const a: Assignments = {};
  for (const p of space.parameters) a[p.name] = fromDesign(p, random());
  return a;
}

/** Maps a point of [0, 1)^parameters (one coordinate per parameter) to an assignment. */
export function designPoint(space: Space, v: ArrayLike<number>): Assignments {
  const a: Assignments = {};
  space.parameters.forEach((p, j) => {
    a[p.name] = fromDesign(p, v[j] ?? 0.5);
  });
  return a;
}
