// CPU time spent during a phase, by who spent it: the server process (all its
// threads, the optimizer's included), Postgres (every backend and helper
// process) and the benchmark's own client, read from /proc on Linux. On a
// machine without /proc the server and Postgres read as zero.

import { readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second for /proc/<pid>/stat, as good as universal. */
const TICKS_PER_SECOND = 100;

export interface CpuSample {
  server: number;
  postgres: number;
  client: number;
}

/** utime + stime of a process, in ms; 0 when it cannot be read. */
function processMs(pid: number): { comm: string; ms: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { comm, ms: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return { comm: '', ms: 0 };
  }
}

function postgresMs(): number {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map(Number);
  } catch {
    return 0;
  }
  return pids
    .map(processMs)
    .filter((entry) => entry.comm === 'postgres')
    .reduce((sum, entry) => sum + entry.ms, 0);
}

export function sampleCpu(serverPid: number): CpuSample {
  const client = process.cpuUsage();
  return {
    server: processMs(serverPid).ms,
    postgres: postgresMs(),
    client: (client.user + client.system) / 1000,
  };
}

/** CPU ms per request between two samples. */
export function cpuPerRequest(from: CpuSample, to: CpuSample, requests: number): CpuSample {
  const per = (key: keyof CpuSample) => (requests > 0 ? (to[key] - from[key]) / requests : NaN);
  return { server: per('server'), postgres: per('postgres'), client: per('client') };
}
