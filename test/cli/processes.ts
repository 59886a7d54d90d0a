import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Real processes for the command-line tests: the `argmax` command, started through its bin as
// npx starts it, and the server, started the way `npm start` starts it (through tsx), each with
// an environment of the test's choosing.

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The variables the server and the command read, cleared, so the caller's shell cannot leak in. */
const cleared = [
  'DATABASE_URL',
  'DATA_DIR',
  'ARGMAX_TOKEN',
  'ARGMAX_URL',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'NO_COLOR',
];

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

/** The bin that package.json names, which node starts without tsx preloaded. */
export const bin = fileURLToPath(new URL('../../src/cli/argmax.mjs', import.meta.url));

export interface RunOptions {
  /** Written to the command's standard input, which is otherwise empty. */
  input?: string;
  /** The working directory (the repository's root by default). */
  cwd?: string;
}

/** Runs `argmax ...args` to its end. */
export function runArgmax(
  args: string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<Finished> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? root,
    env: environment(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.input ?? '');
  return finished(child);
}

function finished(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
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

/** Runs `argmax token ...args` to its end. */
export function runToken(args: string[], env: Record<string, string>): Promise<Finished> {
  return runArgmax(['token', ...args], env);
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
export function startServer(env: Record<string, string>): Promise<RunningServer> {
  return serving(start('src/server.ts', [], { PORT: '0', HOST: '127.0.0.1', ...env }));
}

/** Starts `argmax serve ...args` and resolves once it logs that it is serving. */
export function startServe(
  args: string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    cwd: options.cwd ?? root,
    env: environment(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return serving(child);
}

async function serving(child: ChildProcess): Promise<RunningServer> {
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
