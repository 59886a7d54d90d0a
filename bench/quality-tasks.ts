// Units of work for the quality benchmark, small enough to spread over worker
// processes and plain enough (JSON) to send to them.

import { findProblem, type Problem } from './problems.ts';
import {
  runEngine,
  runEngineParallel,
  runOptunaTpe,
  runRandom,
  type ClockKind,
  type Run,
} from './runners.ts';

export const METHODS = [
  'engine',
  'engine-parallel-4',
  'random',
  'random-10x',
  'optuna-tpe',
] as const;
export type Method = (typeof METHODS)[number];

export const METHOD_LABELS: Record<Method, string> = {
  engine: 'argmax, N',
  'engine-parallel-4': 'argmax, 4 pending, N',
  random: 'random, N',
  'random-10x': 'random, 10 N',
  'optuna-tpe': 'Optuna TPE, N',
};

export interface Task {
  method: Method;
  problem: string;
  /** Overrides the problem's own budget N (smoke runs only). */
  budget: number | null;
  seeds: number[];
  timeBudgetMs: number;
  clock: ClockKind;
}

export interface SeedRun extends Run {
  seed: number;
}

export interface TaskResult {
  method: Method;
  problem: string;
  runs: SeedRun[];
}

export function problemFor(task: Pick<Task, 'problem' | 'budget'>): Problem {
  const problem = findProblem(task.problem);
  return task.budget === null ? problem : { ...problem, budget: task.budget };
}

// Each method draws from its own stream, so that random search at N is not a
// prefix of random search at 10 N and neither repeats the engine's draws.
const STREAM_OFFSET: Record<Method, number> = {
  engine: 0,
  'engine-parallel-4': 0,
  random: 1_000_003,
  'random-10x': 2_000_003,
  'optuna-tpe': 0,
};

function runOne(task: Task, problem: Problem, seed: number): Run {
  const options = { timeBudgetMs: task.timeBudgetMs, clock: task.clock };
  const stream = seed + STREAM_OFFSET[task.method];
  switch (task.method) {
    case 'engine':
      return runEngine(problem, stream, options);
    case 'engine-parallel-4':
      return runEngineParallel(problem, stream, { ...options, workers: 4 });
    case 'random':
      return runRandom(problem, stream, problem.budget);
    case 'random-10x':
      return runRandom(problem, stream, 10 * problem.budget);
    case 'optuna-tpe':
      throw new RangeError('optuna-tpe runs all seeds at once');
  }
}

export function executeTask(task: Task): TaskResult {
  const problem = problemFor(task);
  const runs: SeedRun[] =
    task.method === 'optuna-tpe'
      ? runOptunaTpe(problem, task.seeds).map((run, i) => ({ ...run, seed: task.seeds[i] ?? i }))
      : task.seeds.map((seed) => ({ ...runOne(task, problem, seed), seed }));
  return { method: task.method, problem: task.problem, runs };
}
