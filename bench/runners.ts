// The optimizers the quality benchmark compares, each run on one problem and one
// seed. A run returns the objective values in the order they were evaluated
// (in the problem's own, minimized terms).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

import { createRandom, suggest } from '../src/engine/index.ts';
import type {
  Assignments,
  EngineObservation,
  Strategy,
  SuggestResult,
} from '../src/engine/types.ts';
import type { Problem } from './problems.ts';
import { samplePoint } from './sampler.ts';

export interface EngineStats {
  /** Wall time of each suggest call, in ms. */
  suggestMs: number[];
  timedOut: number;
  strategies: Partial<Record<Strategy, number>>;
}

export interface Run {
  values: number[];
  elapsedMs: number;
  engine?: EngineStats;
}

export type ClockKind = 'wall' | 'cpu';

export interface EngineOptions {
  timeBudgetMs: number;
  /**
   * What the engine's time budget counts: wall time (performance.now(), as in
   * the service) or this process's CPU time, which gives the engine the same
   * work on a busy machine as on an idle one.
   */
  clock: ClockKind;
}

const clock = (): number => performance.now();
const cpuClock = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function emptyStats(): EngineStats {
  return { suggestMs: [], timedOut: 0, strategies: {} };
}

function record(stats: EngineStats, result: SuggestResult, ms: number): void {
  const { strategy, timedOut } = result.diagnostics;
  stats.suggestMs.push(ms);
  stats.strategies[strategy] = (stats.strategies[strategy] ?? 0) + 1;
  if (timedOut) stats.timedOut += 1;
}

/** An ask-tell session on one problem, as the service would drive the engine. */
class EngineSession {
  readonly observations: EngineObservation[] = [];
  readonly values: number[] = [];
  readonly stats = emptyStats();
  private readonly random;
  private state: unknown = undefined;

  constructor(
    private readonly problem: Problem,
    seed: number,
    private readonly options: EngineOptions,
  ) {
    this.random = createRandom(seed);
  }

  ask(pending: Assignments[]): Assignments {
    const start = clock();
    const result = suggest({
      type: 'offline',
      parameters: this.problem.parameters,
      observations: this.observations,
      pending,
      count: 1,
      random: this.random,
      clock: this.options.clock === 'cpu' ? cpuClock : clock,
      timeBudgetMs: this.options.timeBudgetMs,
      warmStart: this.state,
    });
    record(this.stats, result, clock() - start);
    this.state = result.state;
    const point = result.points[0];
    if (point === undefined) throw new Error(`engine returned no point (${this.problem.name})`);
    return point;
  }

  tell(assignments: Assignments): void {
    const value = this.problem.evaluate(assignments);
    this.values.push(value);
    this.observations.push({ assignments, value: -value, noise: null, failed: false });
  }
}

/** Our engine, one point at a time: ask, evaluate, observe. */
export function runEngine(problem: Problem, seed: number, options: EngineOptions): Run {
  const start = clock();
  const session = new EngineSession(problem, seed, options);
  for (let i = 0; i < problem.budget; i++) session.tell(session.ask([]));
  return { values: session.values, elapsedMs: clock() - start, engine: session.stats };
}

/**
 * Our engine with `workers` points outstanding at every step: the oldest open
 * point is evaluated, then one more is asked for with the others pending.
 */
export function runEngineParallel(
  problem: Problem,
  seed: number,
  options: EngineOptions & { workers: number },
): Run {
  const start = clock();
  const session = new EngineSession(problem, seed, options);
  const open: Assignments[] = [];
  let asked = 0;
  const askOne = (): void => {
    open.push(session.ask([...open]));
    asked += 1;
  };

  while (open.length < options.workers && asked < problem.budget) askOne();
  for (let oldest = open.shift(); oldest !== undefined; oldest = open.shift()) {
    session.tell(oldest);
    if (asked < problem.budget) askOne();
  }
  return { values: session.values, elapsedMs: clock() - start, engine: session.stats };
}

/** Uniform random search with its own seeded stream. */
export function runRandom(problem: Problem, seed: number, evaluations: number): Run {
  const start = clock();
  const random = createRandom(seed);
  const values = Array.from({ length: evaluations }, () =>
    problem.evaluate(samplePoint(problem.parameters, random)),
  );
  return { values, elapsedMs: clock() - start };
}

export const PYTHON = '/usr/bin/python3';
const OPTUNA_SCRIPT = fileURLToPath(new URL('./optuna_tpe.py', import.meta.url));

export interface OptunaProbe {
  available: boolean;
  version: string | null;
  reason: string | null;
}

/** Whether Debian's python3-optuna can be driven from here. */
export function probeOptuna(): OptunaProbe {
  const child = spawnSync(PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], {
    encoding: 'utf8',
  });
  if (child.error !== undefined) {
    return { available: false, version: null, reason: `${PYTHON}: ${child.error.message}` };
  }
  if (child.status !== 0) {
    return { available: false, version: null, reason: `${PYTHON} cannot import optuna` };
  }
  return { available: true, version: child.stdout.trim(), reason: null };
}

/** Sends one request to bench/optuna_tpe.py and parses its answer. */
export function callPython(mode: 'run' | 'evaluate', request: unknown): unknown {
  const child = spawnSync(PYTHON, [OPTUNA_SCRIPT, mode], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (child.error !== undefined) throw child.error;
  if (child.status !== 0) throw new Error(`optuna_tpe.py ${mode} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as unknown;
}

interface OptunaAnswer {
  runs: { seed: number; values: number[]; elapsedMs: number }[];
}

/** Optuna's TPE sampler (default settings) on every seed, in one Python process. */
export function runOptunaTpe(problem: Problem, seeds: number[]): Run[] {
  const answer = callPython('run', {
    problem: problem.name,
    parameters: problem.parameters,
    budget: problem.budget,
    seeds,
  }) as OptunaAnswer;
  return answer.runs.map((r) => ({ values: r.values, elapsedMs: r.elapsedMs }));
}
