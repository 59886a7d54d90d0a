import { predict, predictWithGradient, type Posterior } from './gp.ts';
import { allPoints, enumerationSize } from './enumerate.ts';
import { minimize } from './lbfgs.ts';
import { logExpectedImprovement } from './log-ei.ts';
import { drawSeed, randomInt, randomNormal } from './random.ts';
import {
  cardinality,
  clamp,
  decode,
  designFeatures,
  encode,
  pointKey,
  snapFeatures,
  type Space,
} from './space.ts';
import { Sobol } from './sobol.ts';
import type { Assignments, NumericParameter, RandomSource } from './types.ts';

/**
 * Maximizes log EI over the space: many quasi-random candidates and perturbations
 * of the best points, then L-BFGS-B on the continuous (and relaxed integer)
 * features from the most promising few, then exact moves on the discrete
 * parameters (neighbouring integers and grid values, every other category).
 */

export interface AcquisitionInput {
  space: Space;
  post: Posterior;
  /** Incumbent for EI, in the GP's units. */
  best: number;
  random: RandomSource;
  /** Keys of points that must not be returned (observed, pending, chosen earlier). */
  used: Set<string>;
  /** Features of the best observed points, best first, to perturb. */
  incumbents: Float64Array[];
  /** True once the time budget is spent. */
  expired: () => boolean;
  /** Number of quasi-random candidates. */
  candidates: number;
  /** Local refinements and their L-BFGS-B iterations. */
  refine: { starts: number; iterations: number };
  /** Points this step must not return (the incumbent's neighbourhood, when exploring). */
  excluded?: (u: Float64Array) => boolean;
}

export interface AcquisitionResult {
  point: Assignments;
  features: Float64Array;
  logEi: number;
  timedOut: boolean;
  duplicate: boolean;
}

interface Candidate {
  u: Float64Array;
  value: number;
  /** The decoded point's key, computed when first needed. */
  key?: string;
}

function keyOf(space: Space, c: Candidate): string {
  c.key ??= pointKey(space, decode(space, c.u));
  return c.key;
}

const PERTURBATIONS = 24;
const MIN_CANDIDATES = 64;
const MAX_ENUMERATION = 4096;

export function maximizeAcquisition(input: AcquisitionInput): AcquisitionResult {
  let timedOut = false;
  const pool = initialCandidates(input);
  const scored: Candidate[] = [];
  for (const u of pool) {
    if (scored.length >= MIN_CANDIDATES && input.expired()) {
      timedOut = true;
      break;
    }
    scored.push(score(input, u));
  }
  scored.sort((a, b) => b.value - a.value);

  const starts = distinctFresh(input.space, scored, input.used, input.refine.starts);
  const refined: Candidate[] = [];
  for (const start of starts) {
    if (input.expired()) {
      timedOut = true;
      break;
    }
    refined.push(refine(input, start));
  }
  const all = [...refined, ...scored].sort((a, b) => b.value - a.value);
  const choice =
    all.find((c) => !input.used.has(keyOf(input.space, c))) ?? freshFallback(input) ?? all[0];
  const chosen =
    choice ??
    score(input, Float64Array.from(input.incumbents[0] ?? new Float64Array(input.space.dim)));
  return {
    point: decode(input.space, chosen.u),
    features: chosen.u,
    logEi: chosen.value,
    timedOut,
    duplicate: input.used.has(keyOf(input.space, chosen)),
  };
}

const work = { buffer: new Float64Array(0) };

function score(input: AcquisitionInput, u: Float64Array): Candidate {
  const n = input.post.data.n;
  if (work.buffer.length < n) work.buffer = new Float64Array(2 * n);
  if (input.excluded?.(u) === true) return { u, value: -Infinity };
  const { mu, variance } = predict(input.post, u, work.buffer);
  const value = logExpectedImprovement(mu, Math.sqrt(variance), input.best).value;
  return { u, value };
}

function initialCandidates(input: AcquisitionInput): Float64Array[] {
  const { space, random } = input;
  const pool: Float64Array[] = [];
  if (enumerationSize(space) <= MAX_ENUMERATION) {
    for (const a of allPoints(space)) pool.push(encode(space, a));
  }
  // Perturbations first: under a tight budget they are the most likely winners.
  const local: Float64Array[] = [];
  input.incumbents.forEach((x, rank) => {
    const count = Math.max(4, Math.round(PERTURBATIONS / (rank + 1)));
    for (let k = 0; k < count; k++) local.push(perturb(space, x, random));
  });
  const sobol = new Sobol(Math.max(1, space.parameters.length), drawSeed(random));
  const global = Array.from({ length: input.candidates }, () =>
    designFeatures(space, sobol.next()),
  );
  return [...local, ...pool, ...global];
}

/** A nearby point: Gaussian steps on numeric features, occasional new discrete values. */
function perturb(space: Space, x: Float64Array, random: RandomSource): Float64Array {
  const u = Float64Array.from(x);
  const sigma = [0.01, 0.04, 0.12][randomInt(random, 3)] as number;
  const changeProbability = 1 / Math.max(1, space.parameters.length);
  space.parameters.forEach((p, j) => {
    const o = space.offsets[j] as number;
    if (p.type === 'categorical') {
      if (random() < changeProbability)
        setCategory(u, o, p.categories.length, randomInt(random, p.categories.length));
      return;
    }
    if (Number.isFinite(cardinality(p)) && random() >= changeProbability * 2) return;
    u[o] = clamp((u[o] as number) + sigma * randomNormal(random), 0, 1);
  });
  return snapFeatures(space, u);
}

function setCategory(u: Float64Array, offset: number, n: number, k: number): void {
  for (let c = 0; c < n; c++) u[offset + c] = c === k ? 1 : 0;
}

function distinctFresh(
  space: Space,
  sorted: Candidate[],
  used: Set<string>,
  count: number,
): Candidate[] {
  const seen = new Set<string>();
  const out: Candidate[] = [];
  for (const c of sorted) {
    if (out.length >= count) break;
    const key = keyOf(space, c);
    if (used.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** Continuous refinement of the numeric features, then discrete neighbour moves. */
function refine(input: AcquisitionInput, start: Candidate): Candidate {
  const { space } = input;
  const numeric = numericFeatures(space);
  let best = start;
  if (numeric.length > 0) {
    const moved = continuousStep(input, start.u, numeric);
    const snapped = score(input, snapFeatures(space, moved));
    if (snapped.value > best.value && !input.used.has(keyOf(space, snapped))) best = snapped;
  }
  return discreteSearch(input, best);
}

function numericFeatures(space: Space): number[] {
  const indices: number[] = [];
  space.parameters.forEach((p, j) => {
    if (p.type !== 'categorical' && cardinality(p) > 1) indices.push(space.offsets[j] as number);
  });
  return indices;
}

function continuousStep(input: AcquisitionInput, u0: Float64Array, free: number[]): Float64Array {
  const D = input.space.dim;
  const full = Float64Array.from(u0);
  const dMu = new Float64Array(D);
  const dVar = new Float64Array(D);
  const objective = (z: Float64Array, g: Float64Array): number => {
    free.forEach((f, i) => (full[f] = z[i] as number));
    const { mu, variance } = predictWithGradient(input.post, full, dMu, dVar);
    const sigma = Math.sqrt(variance);
    const ei = logExpectedImprovement(mu, sigma, input.best);
    // d sigma = d var / (2 sigma).
    free.forEach((f, i) => {
      g[i] = -(ei.dMu * (dMu[f] as number) + (ei.dSigma * (dVar[f] as number)) / (2 * sigma));
    });
    return -ei.value;
  };
  const z0 = Float64Array.from(free, (f) => u0[f] as number);
  const result = minimize(objective, z0, {
    lower: new Float64Array(free.length),
    upper: new Float64Array(free.length).fill(1),
    maxIterations: input.refine.iterations,
    gradientTolerance: 1e-7,
    shouldStop: input.expired,
  });
  const out = Float64Array.from(u0);
  free.forEach((f, i) => (out[f] = result.x[i] as number));
  return out;
}

/** Greedy best-improvement over the discrete parameters' neighbours, a few rounds. */
function discreteSearch(input: AcquisitionInput, start: Candidate): Candidate {
  const { space } = input;
  let best = start;
  for (let round = 0; round < 4; round++) {
    let improved = false;
    for (const u of neighbours(space, best.u)) {
      const c = score(input, u);
      if (c.value > best.value && !input.used.has(keyOf(space, c))) {
        best = c;
        improved = true;
      }
    }
    if (!improved || input.expired()) break;
  }
  return best;
}

function neighbours(space: Space, u: Float64Array): Float64Array[] {
  const a = decode(space, u);
  const out: Float64Array[] = [];
  space.parameters.forEach((p) => {
    const n = cardinality(p);
    if (!Number.isFinite(n) || n < 2) return;
    const values: (number | string)[] = [];
    if (p.type === 'categorical') values.push(...p.categories.filter((c) => c !== a[p.name]));
    else values.push(...adjacentValues(p, a[p.name] as number));
    for (const v of values) out.push(encode(space, { ...a, [p.name]: v }));
  });
  return out;
}

function adjacentValues(p: NumericParameter, x: number): number[] {
  if (p.grid !== null && p.grid.length > 0) {
    const i = p.grid.indexOf(x);
    return [p.grid[i - 1], p.grid[i + 1]].filter((v): v is number => i >= 0 && v !== undefined);
  }
  return [x - 1, x + 1].filter((v) => v >= Math.ceil(p.min) && v <= Math.floor(p.max));
}

/** A random point not used yet, when every candidate collided with used ones. */
function freshFallback(input: AcquisitionInput): Candidate | undefined {
  const sobol = new Sobol(Math.max(1, input.space.parameters.length), drawSeed(input.random));
  for (let k = 0; k < 512; k++) {
    const c = score(input, designFeatures(input.space, sobol.next()));
    if (!input.used.has(keyOf(input.space, c))) return c;
  }
  return undefined;
}
