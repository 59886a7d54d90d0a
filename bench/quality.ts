// npm run bench:quality: our engine against random search (N and 10 N) and
// Optuna's TPE on problems with known minima. See docs/benchmarks.md.
//
//   --problems a,b   only these problems (default: all)
//   --seeds 10       seeds 1..S per method (default 10, 3 with --quick)
//   --quick          a smoke run: fewer seeds, docs/benchmarks.md left alone
//   --out file.json  write the full results as JSON
//   --jobs 2         worker processes (default: the cores, at most 2)
//   --time-budget-ms 300   the engine's soft limit per suggestion
//   --clock wall|cpu       what that limit counts (default wall, as the service)
//   --budget N       override every problem's N (smoke runs; docs left alone)
//   --methods a,b    engine, engine-parallel-4, random, random-10x, optuna-tpe
//   --no-optuna      skip the Optuna peer column
//   --docs / --no-docs     force or skip rewriting docs/benchmarks.md

import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

import { writeSection } from './docs-section.ts';
import { describeMachine, loadAverage, today } from './machine.ts';
import { runPool } from './pool.ts';
import { PROBLEMS, findProblem } from './problems.ts';
import {
  checkTargets,
  qualityMarkdown,
  summariseMethod,
  type ProblemSummary,
  type QualityReport,
} from './quality-report.ts';
import {
  executeTask,
  METHODS,
  problemFor,
  type Method,
  type Task,
  type TaskResult,
} from './quality-tasks.ts';
import { probeOptuna, type ClockKind, type OptunaProbe } from './runners.ts';

const PARALLEL_PROBLEMS = new Set(['hartmann6']);

interface Options {
  problems: string[];
  seeds: number[];
  quick: boolean;
  out: string | null;
  jobs: number;
  timeBudgetMs: number;
  clock: ClockKind;
  budget: number | null;
  methods: Method[];
  docs: boolean;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1)
    throw new RangeError(`--${name} must be a positive integer, got ${raw}`);
  return v;
}

function parseClock(raw: string): ClockKind {
  if (raw === 'wall' || raw === 'cpu') return raw;
  throw new RangeError(`--clock must be wall or cpu, got ${raw}`);
}

function parseMethods(raw: string | undefined, optuna: boolean): Method[] {
  const names = raw === undefined ? [...METHODS] : raw.split(',');
  for (const n of names) {
    if (!(METHODS as readonly string[]).includes(n)) {
      throw new RangeError(`--methods: unknown method ${n}; known: ${METHODS.join(', ')}`);
    }
  }
  return (names as Method[]).filter((m) => optuna || m !== 'optuna-tpe');
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      problems: { type: 'string' },
      seeds: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      jobs: { type: 'string' },
      'time-budget-ms': { type: 'string' },
      clock: { type: 'string', default: 'wall' },
      budget: { type: 'string' },
      methods: { type: 'string' },
      'no-optuna': { type: 'boolean', default: false },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean', default: false },
    },
  });
  const problems = values.problems?.split(',') ?? PROBLEMS.map((p) => p.name);
  problems.forEach(findProblem);
  const seedCount = positiveInt('seeds', values.seeds, values.quick ? 3 : 10);
  const budget = values.budget === undefined ? null : positiveInt('budget', values.budget, 1);
  const partial = values.quick || budget !== null || values.problems !== undefined;
  return {
    problems,
    seeds: Array.from({ length: seedCount }, (_, i) => i + 1),
    quick: values.quick,
    out: values.out ?? null,
    jobs: positiveInt('jobs', values.jobs, Math.min(2, os.availableParallelism())),
    timeBudgetMs: positiveInt('time-budget-ms', values['time-budget-ms'], 300),
    clock: parseClock(values.clock),
    budget,
    methods: parseMethods(values.methods, !values['no-optuna']),
    docs: values['no-docs'] ? false : (values.docs ?? !partial),
  };
}

function tasksFor(options: Options): Task[] {
  const tasks: Task[] = [];
  for (const problem of options.problems) {
    const { budget, timeBudgetMs, clock } = options;
    const base = { problem, budget, timeBudgetMs, clock };
    for (const method of options.methods) {
      if (method === 'engine-parallel-4' && !PARALLEL_PROBLEMS.has(problem)) continue;
      const perSeed = method === 'engine' || method === 'engine-parallel-4';
      if (perSeed) for (const seed of options.seeds) tasks.push({ ...base, method, seeds: [seed] });
      else tasks.push({ ...base, method, seeds: options.seeds });
    }
  }
  // Longest first, so that the pool does not end waiting on one large task.
  return tasks.sort((a, b) => cost(b) - cost(a));
}

function cost(task: Task): number {
  const n = problemFor(task).budget;
  const perEvaluation: Record<Method, number> = {
    engine: 10,
    'engine-parallel-4': 10,
    'optuna-tpe': 1,
    random: 0,
    'random-10x': 0,
  };
  return perEvaluation[task.method] * n * task.seeds.length;
}

async function execute(tasks: Task[], jobs: number): Promise<TaskResult[]> {
  let done = 0;
  const progress = (result: TaskResult): void => {
    done += 1;
    const seconds = result.runs.reduce((s, r) => s + r.elapsedMs, 0) / 1000;
    const seeds = result.runs.map((r) => r.seed).join(',');
    console.error(
      `[${done}/${tasks.length}] ${result.method} ${result.problem} seeds ${seeds}: ${seconds.toFixed(1)} s`,
    );
  };
  if (jobs <= 1) {
    return tasks.map((task) => {
      const result = executeTask(task);
      progress(result);
      return result;
    });
  }
  const worker = new URL('./quality-worker.ts', import.meta.url);
  return runPool<Task, TaskResult>({ worker, tasks, jobs, onResult: progress });
}

/** Joins the per-seed task results of each (problem, method). */
function merge(results: TaskResult[]): Map<string, Map<Method, TaskResult>> {
  const byProblem = new Map<string, Map<Method, TaskResult>>();
  for (const r of results) {
    const methods = byProblem.get(r.problem) ?? new Map<Method, TaskResult>();
    const existing = methods.get(r.method);
    methods.set(r.method, existing ? { ...existing, runs: [...existing.runs, ...r.runs] } : r);
    byProblem.set(r.problem, methods);
  }
  return byProblem;
}

function summarise(options: Options, results: TaskResult[], optuna: OptunaProbe): ProblemSummary[] {
  const merged = merge(results);
  const optunaNote = optuna.available
    ? 'Optuna TPE not requested'
    : (optuna.reason ?? 'Optuna unavailable');
  return options.problems.map((name) => {
    const problem = problemFor({ problem: name, budget: options.budget });
    const byMethod = merged.get(name) ?? new Map<Method, TaskResult>();
    const methods = METHODS.flatMap((m) => {
      const r = byMethod.get(m);
      return r === undefined ? [] : [summariseMethod(problem, r)];
    });
    return {
      name,
      description: problem.description,
      budget: problem.budget,
      optimum: problem.optimum,
      methods,
      targets: checkTargets(name, methods, optunaNote),
    };
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const optuna = options.methods.includes('optuna-tpe')
    ? probeOptuna()
    : { available: false, version: null, reason: 'not requested (--no-optuna or --methods)' };
  if (!optuna.available) {
    console.error(`Optuna TPE skipped: ${optuna.reason ?? ''}`);
    options.methods = options.methods.filter((m) => m !== 'optuna-tpe');
  }

  const machine = describeMachine();
  const results = await execute(tasksFor(options), options.jobs);
  const report: QualityReport = {
    benchmark: 'quality',
    date: today(),
    machine: { ...machine, load: { ...machine.load, end: loadAverage() } },
    command: ['npm run bench:quality', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' '),
    settings: {
      seeds: options.seeds,
      timeBudgetMs: options.timeBudgetMs,
      clock: options.clock,
      jobs: options.jobs,
      quick: options.quick,
    },
    optuna,
    problems: summarise(options, results, optuna),
  };

  const markdown = qualityMarkdown(report);
  console.log(markdown);
  if (options.out !== null) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  if (options.docs) writeSection('bench:quality', markdown);
}

await main();
