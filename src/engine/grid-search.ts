import { cardinality, discreteValue, fromUnit, pointKey, type Space } from './space.ts';
import type { Assignments, Parameter } from './types.ts';

/** A double parameter without a grid is sampled at this many evenly spaced values. */
const DEFAULT_LEVELS = 5;

export interface GridResult {
  points: Assignments[];
  exhausted: boolean;
}

/**
 * Every grid point once, in lexicographic order of the parameters' value indices
 * (first parameter most significant), skipping points already observed or pending.
 * Once every point has been used, points are reused least-used first.
 */
export function gridPoints(space: Space, used: Assignments[], count: number): GridResult {
  const axes = space.parameters.map(levels);
  const total = axes.reduce((product, axis) => product * axis.length, 1);
  const usage = new Map<string, number>();
  for (const a of used) {
    const key = pointKey(space, a);
    usage.set(key, (usage.get(key) ?? 0) + 1);
  }

  const points: Assignments[] = [];
  for (let i = 0; i < total && points.length < count; i++) {
    const a = gridPoint(space.parameters, axes, i);
    const key = pointKey(space, a);
    if (usage.has(key)) continue;
    usage.set(key, 1);
    points.push(a);
  }
  if (points.length === count) return { points, exhausted: false };
  return {
    points: points.concat(leastUsed(space, axes, usage, count - points.length)),
    exhausted: true,
  };
}

function leastUsed(
  space: Space,
  axes: (number | string)[][],
  usage: Map<string, number>,
  count: number,
): Assignments[] {
  const total = axes.reduce((product, axis) => product * axis.length, 1);
  const all = Array.from({ length: total }, (_, i) => gridPoint(space.parameters, axes, i));
  const points: Assignments[] = [];
  for (let k = 0; k < count; k++) {
    let best = 0;
    let bestUses = Infinity;
    all.forEach((a, i) => {
      const uses = usage.get(pointKey(space, a)) ?? 0;
      if (uses < bestUses) {
        bestUses = uses;
        best = i;
      }
    });
    const a = all[best] as Assignments;
    usage.set(pointKey(space, a), bestUses + 1);
    points.push({ ...a });
  }
  return points;
}

function gridPoint(
  parameters: Parameter[],
  axes: (number | string)[][],
  index: number,
): Assignments {
  const a: Assignments = {};
  let rest = index;
  for (let j = parameters.length - 1; j >= 0; j--) {
    const axis = axes[j] as (number | string)[];
    const p = parameters[j] as Parameter;
    a[p.name] = axis[rest % axis.length] as number | string;
    rest = Math.floor(rest / axis.length);
  }
  // Keep the parameters' own order in the object.
  const ordered: Assignments = {};
  for (const p of parameters) ordered[p.name] = a[p.name] as number | string;
  return ordered;
}

/** The values a grid experiment walks through for one parameter. */
export function levels(p: Parameter): (number | string)[] {
  const n = cardinality(p);
  if (Number.isFinite(n)) return Array.from({ length: n }, (_, i) => discreteValue(p, i));
  if (p.type === 'categorical') return p.categories;
  return Array.from({ length: DEFAULT_LEVELS }, (_, i) => fromUnit(p, i / (DEFAULT_LEVELS - 1)));
}
