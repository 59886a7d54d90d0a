import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Real processes for the command-line tests: the token command and the server, each started
// the way `npm run` starts them (through tsx), with an environment of the test's choosing.

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The variables the server and the command read, cleared, so the caller's shell cannot leak in. */
const cleared = ['DATABASE_URL', 'DATA_DIR', 'ARGMAX_TOKEN', 'PORT', 'HOST', 'LOG_LEVEL'];

function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of cleared) delete base[name];
  return { ...base, ...env };
}

function start(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Leaves a socket file at `path` that nobody listens on, as a killed server does; its pid. */
export function leaveStaleSocket(path: string): number {
  const listen = `require('node:net').createServer().listen(${JSON.stringify(path)}, () =>
    process.kill(process.pid, 'SIGKILL'))`;
  const child = spawnSync(process.execPath, ['-e', listen]);
  if (child.signal !== 'SIGKILL' || child.pid === undefined) {
    throw new Error(`the listener did not die as planned: ${child.stderr.toString()}`);
  }
  return child.pid;
}

/** Runs `npm run token -- ...args` to its end. */
export function runToken(args: string[], env: Record<string, string>): Promise<Finished> {
  const child = start('src/cli/token.ts', args, env);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface RunningServer {
  readonly child: ChildProcess;
  /** The API's base URL, e.g. http://127.0.0.1:41234/v1. */
  readonly api: string;
  /** Everything the server has logged so far. */
  log(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts `npm start` on a free port and resolves once it logs that it is serving. */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const child = start('src/server.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stderr = '';
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  const api = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    // The listener stays after the address is found: it keeps draining the server's log.
    lines.on('line', (line) => {
      log += `${line}\n`;
      const address = servingAddress(line);
      if (address !== null) resolve(address);
    });
    void exited.then((code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });

  return {
    child,
    api,
    log: () => log,
    stop(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

function servingAddress(line: string): string | null {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; address?: unknown };
    return entry.msg === 'argmax is serving' && typeof entry.address === 'string'
      ? entry.address
      : null;
  } catch {
    return null;
  }
}
