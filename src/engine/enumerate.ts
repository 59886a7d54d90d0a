import { cardinality, discreteValue, type Space } from './space.ts';
import type { Assignments } from './types.ts';

/** Number of distinct points of a fully discrete space; Infinity when any parameter is continuous. */
export function enumerationSize(space: Space): number {
  return space.parameters.reduce((product, p) => product * cardinality(p), 1);
}

/** Every point of a fully discrete space, first parameter most significant. */
export function allPoints(space: Space): Assignments[] {
  const total = enumerationSize(space);
  if (!Number.isFinite(total)) return [];
  const sizes = space.parameters.map(cardinality);
  return Array.from({ length: total }, (_, index) => {
    const a: Assignments = {};
    let rest = index;
    const digits = sizes.map(() => 0);
    for (let j = sizes.length - 1; j >= 0; j--) {
      const size = sizes[j] as number;
      digits[j] = rest % size;
      rest = Math.floor(rest / size);
    }
    space.parameters.forEach((p, j) => (a[p.name] = discreteValue(p, digits[j] as number)));
    return a;
  });
}
