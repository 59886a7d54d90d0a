// Where and when a benchmark ran, for the tables in docs/benchmarks.md.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  /** The machine kind; BENCH_MACHINE overrides the project's default kind. */
  kind: string;
  cores: number;
  cpuModel: string;
  node: string;
  memoryGiB: number;
  /** One-minute load averages around the run: other work on the machine skews timings. */
  load: { start: number; end: number | null };
  /** The engine that was measured (see engineRevision). */
  engine: string;
}

export function loadAverage(): number {
  return Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
}

function cpuModel(): string {
  try {
    const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
    const line = cpuinfo.split('\n').find((l) => l.startsWith('model name'));
    if (line !== undefined) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // Not Linux: fall back to what Node reports.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): Machine {
  return {
    kind: process.env.BENCH_MACHINE ?? 'node-svc',
    cores: os.availableParallelism(),
    cpuModel: cpuModel(),
    node: process.version,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    load: { start: loadAverage(), end: null },
    engine: engineRevision(),
  };
}

export function machineLine(m: Machine): string {
  const machine = `\`${m.kind}\`, ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}`;
  const end = m.load.end === null ? '' : `, ${m.load.end} at the end`;
  return `${machine}; load average ${m.load.start} at the start${end}`;
}

/** The date as YYYY-MM-DD (UTC). */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The last commit that touched src/engine, and whether the working tree differs from it. */
export function engineRevision(): string {
  const git = (...args: string[]): string =>
    spawnSync('git', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('log', '-1', '--format=%h %s', '--', 'src/engine');
  if (commit === '') return 'unknown (no git history)';
  const dirty = git('status', '--porcelain', '--', 'src/engine') !== '';
  return dirty ? `${commit} (with uncommitted changes)` : commit;
}
