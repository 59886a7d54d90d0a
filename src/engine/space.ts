import type { Assignments, NumericParameter, Parameter } from './types.ts';

/**
 * The search space seen two ways. Each parameter has one "design" coordinate in
 * [0, 1) (for Sobol and random draws: discrete parameters split it into equal
 * cells) and one or more "feature" coordinates in [0, 1] (what the GP sees:
 * log-scale values in log space, integers and grid values at their own encoding
 * so that one value has exactly one encoding, categoricals one-hot).
 */
export interface Space {
  parameters: Parameter[];
  /** Number of GP features. */
  dim: number;
  /** Feature offset of each parameter. */
  offsets: number[];
}

export function createSpace(parameters: Parameter[]): Space {
  const offsets: number[] = [];
  let dim = 0;
  for (const p of parameters) {
    offsets.push(dim);
    dim += p.type === 'categorical' ? Math.max(1, p.categories.length) : 1;
  }
  return { parameters, dim, offsets };
}

/** Number of admissible values of a discrete parameter, or Infinity for a continuous one. */
export function cardinality(p: Parameter): number {
  if (p.type === 'categorical') return p.categories.length;
  if (p.grid !== null && p.grid.length > 0) return p.grid.length;
  if (p.type === 'int') return Math.floor(p.max) - Math.ceil(p.min) + 1;
  return p.min === p.max ? 1 : Infinity;
}

/** The i-th admissible value of a discrete parameter, in ascending (or enum) order. */
export function discreteValue(p: Parameter, i: number): number | string {
  if (p.type === 'categorical') return p.categories[i] ?? p.categories[0] ?? '';
  if (p.grid !== null && p.grid.length > 0) return p.grid[i] ?? p.min;
  // A double with min = max has the one value.
  if (p.type === 'double') return p.min;
  return Math.ceil(p.min) + i;
}

/** Maps a design coordinate v in [0, 1) to a value: uniform, log-uniform, or a uniform pick. */
export function fromDesign(p: Parameter, v: number): number | string {
  const n = cardinality(p);
  if (Number.isFinite(n)) return discreteValue(p, Math.min(n - 1, Math.floor(v * n)));
  const q = p as NumericParameter;
  return clamp(fromUnit(q, v), q.min, q.max);
}

/** The position of a value in [0, 1] along a numeric parameter, in log space when asked. */
export function toUnit(p: NumericParameter, x: number): number {
  if (p.max === p.min) return 0.5;
  const u = usesLog(p)
    ? (Math.log(x) - Math.log(p.min)) / (Math.log(p.max) - Math.log(p.min))
    : (x - p.min) / (p.max - p.min);
  return clamp(u, 0, 1);
}

export function fromUnit(p: NumericParameter, u: number): number {
  if (p.max === p.min) return p.min;
  const t = clamp(u, 0, 1);
  if (usesLog(p)) return Math.exp(Math.log(p.min) + t * (Math.log(p.max) - Math.log(p.min)));
  return p.min + t * (p.max - p.min);
}

function usesLog(p: NumericParameter): boolean {
  return p.log && p.min > 0;
}

/** The admissible value nearest to x (nearest in the space the parameter is searched in). */
export function snapValue(p: NumericParameter, x: number): number {
  if (p.grid !== null && p.grid.length > 0) return nearestGridValue(p, x);
  const bounded = clamp(x, p.min, p.max);
  if (p.type === 'double') return bounded;
  const lo = Math.ceil(p.min);
  const hi = Math.floor(p.max);
  if (!usesLog(p)) return clamp(Math.round(bounded), lo, hi);
  // Round in log space: of the two neighbouring integers, take the nearer in log distance.
  const f = clamp(Math.floor(bounded), lo, hi);
  const c = clamp(f + 1, lo, hi);
  return Math.abs(Math.log(bounded / f)) <= Math.abs(Math.log(c / bounded)) ? f : c;
}

function nearestGridValue(p: NumericParameter, x: number): number {
  const grid = p.grid ?? [];
  const u = toUnit(p, x);
  let best = grid[0] ?? p.min;
  let bestDistance = Infinity;
  for (const g of grid) {
    const distance = Math.abs(toUnit(p, g) - u);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = g;
    }
  }
  return best;
}

/** Features of an assignment (missing or unknown values fall back to the middle / first). */
export function encode(space: Space, a: Assignments, out?: Float64Array): Float64Array {
  const u = out ?? new Float64Array(space.dim);
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] ?? 0;
    const value = a[p.name];
    if (p.type === 'categorical') {
      const k = Math.max(0, p.categories.indexOf(String(value)));
      for (let c = 0; c < Math.max(1, p.categories.length); c++) u[o + c] = c === k ? 1 : 0;
      return;
    }
    const x = typeof value === 'number' && Number.isFinite(value) ? value : (p.min + p.max) / 2;
    u[o] = toUnit(p, snapValue(p, x));
  });
  return u;
}

/** The assignment whose features are nearest to u; always valid. */
export function decode(space: Space, u: ArrayLike<number>): Assignments {
  const a: Assignments = {};
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] ?? 0;
    if (p.type === 'categorical') {
      a[p.name] = p.categories[argmax(u, o, p.categories.length)] ?? p.categories[0] ?? '';
      return;
    }
    a[p.name] = snapValue(p, fromUnit(p, u[o] ?? 0.5));
  });
  return a;
}

/** Moves u onto the nearest admissible features (rounding integers, grids, one-hots), in place. */
export function snapFeatures(space: Space, u: Float64Array): Float64Array {
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] ?? 0;
    if (p.type === 'categorical') {
      setOneHot(u, o, p.categories.length, argmax(u, o, p.categories.length));
      return;
    }
    const x = u[o] ?? 0.5;
    if (isContinuous(p)) u[o] = clamp(x, 0, 1);
    else u[o] = toUnit(p, snapValue(p, fromUnit(p, x)));
  });
  return u;
}

/**
 * Features of a design point (one coordinate in [0, 1) per parameter), the same as
 * encode(fromDesign(...)) without building the assignment: a continuous
 * parameter's feature is its design coordinate, log scale included.
 */
export function designFeatures(space: Space, v: ArrayLike<number>): Float64Array {
  const u = new Float64Array(space.dim);
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] ?? 0;
    const vj = v[j] ?? 0.5;
    if (p.type === 'categorical') {
      const n = p.categories.length;
      setOneHot(u, o, n, Math.min(n - 1, Math.floor(vj * n)));
      return;
    }
    if (isContinuous(p)) u[o] = clamp(vj, 0, 1);
    else u[o] = toUnit(p, fromDesign(p, vj) as number);
  });
  return u;
}

function isContinuous(p: NumericParameter): boolean {
  return p.type === 'double' && (p.grid === null || p.grid.length === 0) && p.max > p.min;
}

function setOneHot(u: Float64Array, offset: number, n: number, k: number): void {
  for (let c = 0; c < n; c++) u[offset + c] = c === k ? 1 : 0;
}

/** A canonical string of an assignment, to compare points after decoding. */
export function pointKey(space: Space, a: Assignments): string {
  return space.parameters
    .map((p) => {
      const value = a[p.name];
      if (p.type === 'categorical') return String(value);
      const x = typeof value === 'number' ? snapValue(p, value) : NaN;
      return String(x);
    })
    .join('\u0001');
}

/** Canonical (snapped, in-bounds) copy of an assignment. */
export function canonical(space: Space, a: Assignments): Assignments {
  return decode(space, encode(space, a));
}

function argmax(u: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if ((u[offset + c] ?? 0) > (u[offset + best] ?? 0)) best = c;
  return best;
}

export function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}
