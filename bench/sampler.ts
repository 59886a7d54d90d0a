// Uniform random search over an engine parameter space, written apart from the
// engine's own 'random' type so that the baseline does not share its code.

import type {
  Assignments,
  NumericParameter,
  Parameter,
  RandomSource,
} from '../src/engine/types.ts';

function sampleNumeric(p: NumericParameter, random: RandomSource): number {
  if (p.grid !== null && p.grid.length > 0) {
    return p.grid[Math.min(p.grid.length - 1, Math.floor(random() * p.grid.length))] ?? p.min;
  }
  if (p.type === 'int') {
    const width = p.max - p.min + 1;
    return p.min + Math.min(width - 1, Math.floor(random() * width));
  }
  if (p.log) {
    const low = Math.log(p.min);
    const value = Math.exp(low + random() * (Math.log(p.max) - low));
    return Math.min(p.max, Math.max(p.min, value));
  }
  return p.min + random() * (p.max - p.min);
}

/** One point drawn uniformly (log-uniformly for log-scale doubles). */
export function samplePoint(parameters: Parameter[], random: RandomSource): Assignments {
  const point: Assignments = {};
  for (const p of parameters) {
    if (p.type === 'categorical') {
      const i = Math.min(p.categories.length - 1, Math.floor(random() * p.categories.length));
      point[p.name] = p.categories[i] ?? '';
    } else {
      point[p.name] = sampleNumeric(p, random);
    }
  }
  return point;
}
