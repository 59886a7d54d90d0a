/**
 * Limited-memory BFGS with box bounds by projection (Nocedal and Wright, Numerical
 * Optimization, 2nd ed., Algorithm 7.4 for the two-loop recursion; the bounds are
 * handled by freezing variables held at a bound by their gradient and by a
 * backtracking Armijo search along the projected path, a simplification of
 * L-BFGS-B in the spirit of Kim, Sra and Dhillon, 2010).
 */

/** Returns f(x) and writes the gradient into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;

export interface MinimizeOptions {
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  maxIterations: number;
  /** Stop when the projected gradient's largest component falls below this. */
  gradientTolerance?: number;
  memory?: number;
  /** Checked once per iteration; true stops the search with the best point so far. */
  shouldStop?: () => boolean;
}

export interface MinimizeResult {
  x: Float64Array;
  value: number;
  iterations: number;
  stopped: boolean;
}

export function minimize(
  f: Objective,
  x0: ArrayLike<number>,
  options: MinimizeOptions,
): MinimizeResult {
  const n = x0.length;
  const { lower, upper } = options;
  const tolerance = options.gradientTolerance ?? 1e-6;
  const memory = options.memory ?? 8;
  const x = Float64Array.from(x0, (v, i) => clampTo(v, lower[i] as number, upper[i] as number));
  const g = new Float64Array(n);
  let value = f(x, g);
  const history: { s: Float64Array; y: Float64Array; rho: number }[] = [];
  let iterations = 0;
  let stopped = false;

  while (iterations < options.maxIterations) {
    if (!Number.isFinite(value)) break;
    const free = freeVariables(x, g, lower, upper);
    if (projectedGradientNorm(g, free) < tolerance) break;
    if (options.shouldStop?.() === true) {
      stopped = true;
      break;
    }
    iterations++;

    let d = direction(g, free, history);
    if (dot(d, g) >= 0) {
      history.length = 0;
      d = Float64Array.from(g, (gi, i) => (free[i] ? -gi : 0));
    }
    const step = lineSearch({ f, x, value, g, d, lower, upper, first: history.length === 0 });
    if (step === null) {
      if (history.length === 0) break;
      history.length = 0;
      continue;
    }

    const s = Float64Array.from(step.x, (v, i) => v - (x[i] as number));
    const y = Float64Array.from(step.g, (v, i) => v - (g[i] as number));
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.max(1, dot(y, y))) {
      history.push({ s, y, rho: 1 / sy });
      if (history.length > memory) history.shift();
    }
    const decrease = value - step.value;
    x.set(step.x);
    g.set(step.g);
    value = step.value;
    if (decrease <= 1e-12 * Math.max(1, Math.abs(value))) break;
  }
  return { x, value, iterations, stopped };
}

function freeVariables(
  x: Float64Array,
  g: Float64Array,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): boolean[] {
  return Array.from(x, (xi, i) => {
    const gi = g[i] as number;
    if (xi <= (lower[i] as number) && gi > 0) return false;
    if (xi >= (upper[i] as number) && gi < 0) return false;
    return true;
  });
}

function projectedGradientNorm(g: Float64Array, free: boolean[]): number {
  let m = 0;
  g.forEach((gi, i) => {
    if (free[i]) m = Math.max(m, Math.abs(gi));
  });
  return m;
}

/** The two-loop recursion on the free variables. */
function direction(
  g: Float64Array,
  free: boolean[],
  history: { s: Float64Array; y: Float64Array; rho: number }[],
): Float64Array {
  const q = Float64Array.from(g, (gi, i) => (free[i] ? gi : 0));
  const alpha = new Array<number>(history.length);
  for (let k = history.length - 1; k >= 0; k--) {
    const h = history[k] as (typeof history)[number];
    const a = h.rho * maskedDot(h.s, q, free);
    alpha[k] = a;
    for (let i = 0; i < q.length; i++)
      if (free[i]) q[i] = (q[i] as number) - a * (h.y[i] as number);
  }
  const last = history[history.length - 1];
  const gamma =
    last === undefined
      ? 1
      : maskedDot(last.s, last.y, free) / Math.max(1e-300, maskedDot(last.y, last.y, free));
  const scale = Number.isFinite(gamma) && gamma > 0 ? gamma : 1;
  for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) * scale;
  for (let k = 0; k < history.length; k++) {
    const h = history[k] as (typeof history)[number];
    const b = h.rho * maskedDot(h.y, q, free);
    const a = alpha[k] as number;
    for (let i = 0; i < q.length; i++)
      if (free[i]) q[i] = (q[i] as number) + (a - b) * (h.s[i] as number);
  }
  for (let i = 0; i < q.length; i++) q[i] = free[i] ? -(q[i] as number) : 0;
  return q;
}

interface LineSearchInput {
  f: Objective;
  x: Float64Array;
  value: number;
  g: Float64Array;
  d: Float64Array;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  first: boolean;
}

/** Backtracking along the projected path until the Armijo condition holds. */
function lineSearch(
  input: LineSearchInput,
): { x: Float64Array; g: Float64Array; value: number } | null {
  const { f, x, value, g, d, lower, upper } = input;
  let t = input.first ? Math.min(1, 1 / Math.max(1e-12, norm(d))) : 1;
  const trial = new Float64Array(x.length);
  const gTrial = new Float64Array(x.length);
  for (let k = 0; k < 30; k++) {
    for (let i = 0; i < x.length; i++) {
      trial[i] = clampTo(
        (x[i] as number) + t * (d[i] as number),
        lower[i] as number,
        upper[i] as number,
      );
    }
    let slope = 0;
    for (let i = 0; i < x.length; i++)
      slope += (g[i] as number) * ((trial[i] as number) - (x[i] as number));
    if (slope >= 0) return null;
    const v = f(trial, gTrial);
    if (Number.isFinite(v) && v <= value + 1e-4 * slope) return { x: trial, g: gTrial, value: v };
    t *= 0.5;
  }
  return null;
}

function clampTo(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function maskedDot(a: ArrayLike<number>, b: ArrayLike<number>, free: boolean[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (free[i]) s += (a[i] as number) * (b[i] as number);
  return s;
}

function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a));
}
