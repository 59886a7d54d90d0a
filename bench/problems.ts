// Test problems with known minima for the quality benchmark. Every objective is
// written as a function to MINIMIZE in the problem's own terms; the harness hands
// the engine its negation (the engine maximizes). bench/optuna_tpe.py implements
// the same functions in Python, and test/bench/ checks that the two agree.

import type {
  Assignments,
  CategoricalParameter,
  NumericParameter,
  Parameter,
} from '../src/engine/types.ts';

export interface Problem {
  name: string;
  description: string;
  parameters: Parameter[];
  /** Evaluations granted to the optimizer (N in docs/benchmarks.md). */
  budget: number;
  evaluate: (x: Assignments) => number;
  /** The known minimum and a point that attains it. */
  optimum: { value: number; assignments: Assignments };
}

function double(name: string, min: number, max: number, log = false): NumericParameter {
  return { name, type: 'double', min, max, log, grid: null };
}

function int(name: string, min: number, max: number): NumericParameter {
  return { name, type: 'int', min, max, log: false, grid: null };
}

function categorical(name: string, categories: string[]): CategoricalParameter {
  return { name, type: 'categorical', categories };
}

export function num(x: Assignments, name: string): number {
  const v = x[name];
  if (typeof v !== 'number') throw new TypeError(`parameter ${name} must be a number, got ${v}`);
  return v;
}

export function cat(x: Assignments, name: string): string {
  const v = x[name];
  if (typeof v !== 'string') throw new TypeError(`parameter ${name} must be a category, got ${v}`);
  return v;
}

function vector(x: Assignments, d: number): number[] {
  return Array.from({ length: d }, (_, i) => num(x, `x${i + 1}`));
}

function point(values: number[]): Assignments {
  return Object.fromEntries(values.map((v, i) => [`x${i + 1}`, v]));
}

function lookup<T>(table: Record<string, T>, key: string): T {
  const v = table[key];
  if (v === undefined) throw new RangeError(`unknown category ${key}`);
  return v;
}

// Branin-Hoo, as given by Dixon and Szegő (1978) and in Surjanovic and Bingham's
// Virtual Library of Simulation Experiments (sfu.ca/~ssurjano/branin.html).
// Its minimum 5 / (4 pi) is attained at (-pi, 12.275), (pi, 2.275) and (3 pi, 2.475).
function branin(x: Assignments): number {
  const x1 = num(x, 'x1');
  const x2 = num(x, 'x2');
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

// Hartmann's functions, constants from the same Virtual Library
// (sfu.ca/~ssurjano/hart3.html and hart6.html).
const HARTMANN_ALPHA = [1, 1.2, 3, 3.2];
const HARTMANN3_A = [
  [3, 10, 30],
  [0.1, 10, 35],
  [3, 10, 30],
  [0.1, 10, 35],
];
const HARTMANN3_P = [
  [3689, 1170, 2673],
  [4699, 4387, 7470],
  [1091, 8732, 5547],
  [381, 5743, 8828],
];
const HARTMANN6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
];

function hartmann(A: number[][], P: number[][], x: number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let exponent = 0;
    for (let j = 0; j < x.length; j++) {
      exponent += (A[i]?.[j] ?? 0) * ((x[j] ?? 0) - (P[i]?.[j] ?? 0) * 1e-4) ** 2;
    }
    sum += (HARTMANN_ALPHA[i] ?? 0) * Math.exp(-exponent);
  }
  return -sum;
}

// Ackley's function with the usual a = 20, b = 0.2, c = 2 pi (Virtual Library,
// sfu.ca/~ssurjano/ackley.html); minimum 0 at the origin.
function ackley(x: number[]): number {
  const d = x.length;
  const squares = x.reduce((s, v) => s + v * v, 0) / d;
  const cosines = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / d;
  return -20 * Math.exp(-0.2 * Math.sqrt(squares)) - Math.exp(cosines) + 20 + Math.E;
}

// A simulated validation loss of a network trained with a given optimizer. For a
// fixed optimizer and depth, the loss is a quadratic in log10(learning rate) with a
// cosine ripple that adds a local minimum about a decade off either side (both
// terms vanish at the centre), plus a quadratic in dropout. The continuous optimum
// is therefore exact for each discrete combination, and the global one follows by
// enumerating optimizer x layers.
const TRAIN_OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'];
const TRAIN = {
  base: { sgd: 0.3, momentum: 0.24, adam: 0.2, rmsprop: 0.22 } as Record<string, number>,
  curvature: { sgd: 0.12, momentum: 0.1, adam: 0.06, rmsprop: 0.08 } as Record<string, number>,
  centre: { sgd: -1, momentum: -1.5, adam: -2.5, rmsprop: -2.8 } as Record<string, number>,
  bestLayers: { sgd: 3, momentum: 4, adam: 5, rmsprop: 4 } as Record<string, number>,
};

function trainCentre(optimizer: string, layers: number): number {
  return lookup(TRAIN.centre, optimizer) - 0.15 * (layers - 1);
}

function trainModel(x: Assignments): number {
  const optimizer = cat(x, 'optimizer');
  const layers = num(x, 'layers');
  const u = Math.log10(num(x, 'learning_rate')) - trainCentre(optimizer, layers);
  const ripple = 0.05 * (1 - Math.cos(2 * Math.PI * u));
  const depth = 0.04 * (layers - lookup(TRAIN.bestLayers, optimizer)) ** 2;
  const dropout = 0.5 * (num(x, 'dropout') - 0.08 * layers) ** 2;
  return (
    lookup(TRAIN.base, optimizer) +
    lookup(TRAIN.curvature, optimizer) * u * u +
    ripple +
    depth +
    dropout
  );
}

function trainModelOptimum(): { value: number; assignments: Assignments } {
  const candidates: Assignments[] = [];
  for (const optimizer of TRAIN_OPTIMIZERS) {
    for (let layers = 1; layers <= 8; layers++) {
      const learningRate = 10 ** trainCentre(optimizer, layers);
      candidates.push({ learning_rate: learningRate, layers, optimizer, dropout: 0.08 * layers });
    }
  }
  return best(candidates, trainModel);
}

// A simulated storage engine's read latency (ms). Each engine wants a cache size
// (in log2 MB), a smaller one when pages are compressed, and compression also
// softens the cost of a cache that falls short, at a CPU price. The log-structured
// engine wants more cache than the range allows, so its best codec depends on the
// cache bound. The worker pool costs work / threads + 0.35 threads. For each
// discrete choice the latency is a convex quadratic in log2(cache), minimized at
// its target clamped to the range, so enumerating engine x compression x threads
// gives the exact optimum.
const DB_ENGINES = ['btree', 'lsm', 'hash'];
const DB_COMPRESSIONS = ['none', 'lz4', 'zstd'];
const DB_LOG2_CACHE_MAX = 12;
const DB = {
  base: { btree: 4, lsm: 1.8, hash: 3.6 } as Record<string, number>,
  codecCost: { none: 0, lz4: 0.3, zstd: 0.9 } as Record<string, number>,
  codecRelief: { none: 1, lz4: 0.7, zstd: 0.5 } as Record<string, number>,
  cacheTarget: { btree: 9, lsm: 13.5, hash: 8 } as Record<string, number>,
  cacheShift: { none: 0, lz4: 1, zstd: 2.2 } as Record<string, number>,
  cacheWeight: { btree: 0.25, lsm: 0.4, hash: 0.15 } as Record<string, number>,
  work: { btree: 40, lsm: 30, hash: 25 } as Record<string, number>,
};

function dbCacheTarget(engine: string, compression: string): number {
  return lookup(DB.cacheTarget, engine) - lookup(DB.cacheShift, compression);
}

function databaseConfig(x: Assignments): number {
  const engine = cat(x, 'engine');
  const compression = cat(x, 'compression');
  const threads = num(x, 'threads');
  const u = Math.log2(num(x, 'cache_mb')) - dbCacheTarget(engine, compression);
  const io = lookup(DB.cacheWeight, engine) * lookup(DB.codecRelief, compression) * u * u;
  const pool = lookup(DB.work, engine) / threads + 0.35 * threads;
  return lookup(DB.base, engine) + lookup(DB.codecCost, compression) + io + pool;
}

function databaseConfigOptimum(): { value: number; assignments: Assignments } {
  const candidates: Assignments[] = [];
  for (const engine of DB_ENGINES) {
    for (const compression of DB_COMPRESSIONS) {
      const log2Cache = Math.min(DB_LOG2_CACHE_MAX, dbCacheTarget(engine, compression));
      for (let threads = 1; threads <= 32; threads++) {
        candidates.push({ engine, compression, cache_mb: 2 ** log2Cache, threads });
      }
    }
  }
  return best(candidates, databaseConfig);
}

// Integers on a correlated, positive definite quadratic bowl whose continuous centre is not a
// lattice point, so rounding the continuous optimum is not the integer optimum
// (Q is not diagonal); two doubles follow the integers along exact lines. The
// optimum comes from enumerating all 41^3 integer triples.
const LATTICE_CENTRE = [3.4, -7.6, 11.3];
const LATTICE_Q = [
  [1, 0.6, 0.2],
  [0.6, 1.2, -0.4],
  [0.2, -0.4, 0.9],
];

function latticeQuadratic(k: number[]): number {
  let total = 0;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const di = (k[i] ?? 0) - (LATTICE_CENTRE[i] ?? 0);
      const dj = (k[j] ?? 0) - (LATTICE_CENTRE[j] ?? 0);
      total += (LATTICE_Q[i]?.[j] ?? 0) * di * dj;
    }
  }
  return 0.05 * total;
}

function integerLattice(x: Assignments): number {
  const k = [num(x, 'k1'), num(x, 'k2'), num(x, 'k3')];
  const y1 = num(x, 'y1') - 0.1 * (k[0] ?? 0);
  const y2 = num(x, 'y2') + 0.05 * (k[1] ?? 0);
  return latticeQuadratic(k) + y1 * y1 + 2 * y2 * y2 + 0.5 * Math.abs(y1 + y2);
}

function integerLatticeOptimum(): { value: number; assignments: Assignments } {
  let bestK = [0, 0, 0];
  let bestValue = Infinity;
  for (let k1 = -20; k1 <= 20; k1++) {
    for (let k2 = -20; k2 <= 20; k2++) {
      for (let k3 = -20; k3 <= 20; k3++) {
        const v = latticeQuadratic([k1, k2, k3]);
        if (v < bestValue) [bestValue, bestK] = [v, [k1, k2, k3]];
      }
    }
  }
  const [k1 = 0, k2 = 0, k3 = 0] = bestK;
  const assignments = { k1, k2, k3, y1: 0.1 * k1, y2: -0.05 * k2 };
  return { value: integerLattice(assignments), assignments };
}

function best(
  candidates: Assignments[],
  f: (x: Assignments) => number,
): { value: number; assignments: Assignments } {
  let bestPoint = candidates[0] ?? {};
  let bestValue = Infinity;
  for (const c of candidates) {
    const v = f(c);
    if (v < bestValue) [bestValue, bestPoint] = [v, c];
  }
  return { value: bestValue, assignments: bestPoint };
}

function box(d: number, min: number, max: number): Parameter[] {
  return Array.from({ length: d }, (_, i) => double(`x${i + 1}`, min, max));
}

export const PROBLEMS: Problem[] = [
  {
    name: 'branin',
    description: 'Branin-Hoo, 2 doubles',
    parameters: [double('x1', -5, 10), double('x2', 0, 15)],
    budget: 30,
    evaluate: branin,
    optimum: { value: 5 / (4 * Math.PI), assignments: { x1: Math.PI, x2: 2.275 } },
  },
  {
    name: 'hartmann3',
    description: 'Hartmann-3 on [0, 1]^3',
    parameters: box(3, 0, 1),
    budget: 40,
    evaluate: (x) => hartmann(HARTMANN3_A, HARTMANN3_P, vector(x, 3)),
    // Located by Nelder-Mead from the Virtual Library's stated minimizer.
    optimum: {
      value: -3.8627797873326628,
      assignments: point([0.11458887731203062, 0.5556488937823565, 0.8525469842437009]),
    },
  },
  {
    name: 'hartmann6',
    description: 'Hartmann-6 on [0, 1]^6',
    parameters: box(6, 0, 1),
    budget: 100,
    evaluate: (x) => hartmann(HARTMANN6_A, HARTMANN6_P, vector(x, 6)),
    optimum: {
      value: -3.3223680114155147,
      assignments: point([
        0.20168950746340197, 0.15001069033059738, 0.4768739745634552, 0.275332432402329,
        0.31165161567141814, 0.6573005325540292,
      ]),
    },
  },
  {
    name: 'ackley5',
    description: 'Ackley-5 on [-32.768, 32.768]^5',
    parameters: box(5, -32.768, 32.768),
    budget: 100,
    evaluate: (x) => ackley(vector(x, 5)),
    optimum: { value: 0, assignments: point([0, 0, 0, 0, 0]) },
  },
  {
    name: 'train-model',
    description:
      'simulated training: log learning rate, int layers, categorical optimizer, dropout',
    parameters: [
      double('learning_rate', 1e-5, 1, true),
      int('layers', 1, 8),
      categorical('optimizer', TRAIN_OPTIMIZERS),
      double('dropout', 0, 0.7),
    ],
    budget: 50,
    evaluate: trainModel,
    optimum: trainModelOptimum(),
  },
  {
    name: 'database-config',
    description: 'simulated storage latency: 2 categoricals, log cache size, int threads',
    parameters: [
      categorical('engine', DB_ENGINES),
      categorical('compression', DB_COMPRESSIONS),
      double('cache_mb', 1, 2 ** DB_LOG2_CACHE_MAX, true),
      int('threads', 1, 32),
    ],
    budget: 40,
    evaluate: databaseConfig,
    optimum: databaseConfigOptimum(),
  },
  {
    name: 'integer-lattice',
    description: 'correlated integer quadratic, 3 ints in [-20, 20] and 2 coupled doubles',
    parameters: [
      int('k1', -20, 20),
      int('k2', -20, 20),
      int('k3', -20, 20),
      double('y1', -3, 3),
      double('y2', -3, 3),
    ],
    budget: 60,
    evaluate: integerLattice,
    optimum: integerLatticeOptimum(),
  },
];

export function findProblem(name: string): Problem {
  const problem = PROBLEMS.find((p) => p.name === name);
  if (problem === undefined) {
    const known = PROBLEMS.map((p) => p.name).join(', ');
    throw new RangeError(`unknown problem ${name}; known: ${known}`);
  }
  return problem;
}
