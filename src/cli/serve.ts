import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError, loadConfig } from '../config.ts';
import { memoryDataDir } from '../store/database.ts';
import { noPositionals, scanOptions, stringOption, UsageError } from './options.ts';

// `argmax serve`: the server, as `npm start` runs it, with flags for the settings people change
// most. Each flag sets its environment variable (src/config.ts); the rest of the environment
// passes through.

export const serveUsage = `Usage: argmax serve [--port PORT] [--host HOST] [--data-dir DIR] [--database-url URL]

Starts the argmax server, as "npm start" does, and runs until SIGTERM or SIGINT (Ctrl-C).
Every setting can also come from the environment: LOG_LEVEL, ARGMAX_TOKEN, ARGMAX_RATE_LIMIT
and the rest as the README lists them.

Options:
  --port PORT          the TCP port (PORT; default 8080, 0 picks a free one)
  --host HOST          the address to listen on (HOST; default 127.0.0.1)
  --data-dir DIR       where the embedded database lives (DATA_DIR; default ./data)
  --database-url URL   a Postgres server to use instead (DATABASE_URL)
  -h, --help           show this help
`;

/** Flag to environment variable. */
const variables = {
  port: 'PORT',
  host: 'HOST',
  'data-dir': 'DATA_DIR',
  'database-url': 'DATABASE_URL',
} as const;

const spec = Object.fromEntries(Object.keys(variables).map((flag) => [flag, true]));

/** The package's root, where `npm start` runs. */
const root = fileURLToPath(new URL('../../', import.meta.url));

export type ServeArguments =
  | { kind: 'help'; text: string }
  | { kind: 'serve'; env: Record<string, string> }
  | { kind: 'usage-error'; message: string };

/** The environment the server gets: the caller's, with each flag's variable set. */
export function parseServeArguments(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): ServeArguments {
  const merged: Record<string, string> = {};
  try {
    const scanned = scanOptions(argv, spec, 'serve');
    if (scanned.values.has('help')) return { kind: 'help', text: serveUsage };
    noPositionals('serve', scanned.positionals);
    for (const [flag, variable] of Object.entries(variables)) {
      const value = stringOption(scanned, flag);
      if (value !== undefined) merged[variable] = value;
    }
    checked({ ...env, ...merged }, Object.keys(merged));
  } catch (error) {
    if (error instanceof UsageError) return { kind: 'usage-error', message: error.message };
    throw error;
  }

  // The server runs from the package's root (see startServer), so a relative data dir is
  // resolved here, against the directory the command was started in.
  const dataDir = merged.DATA_DIR ?? (env.DATA_DIR || './data');
  merged.DATA_DIR = dataDir === memoryDataDir ? dataDir : resolve(cwd, dataDir);
  return { kind: 'serve', env: merged };
}

/** The settings as the server will read them; a bad one is named by the flag that gave it. */
function checked(env: NodeJS.ProcessEnv, fromFlags: string[]): void {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let message = error.message;
    for (const [flag, variable] of Object.entries(variables)) {
      if (fromFlags.includes(variable)) {
        message = message.replace(new RegExp(`\\b${variable}\\b`, 'g'), `--${flag}`);
      }
    }
    throw new UsageError(message);
  }
}

/**
 * Starts the server in this process, so that signals reach it as under `npm start`. It runs from
 * the package's root: the optimizer's worker threads load tsx by name, which resolves from the
 * working directory.
 */
export async function startServer(env: Record<string, string>): Promise<void> {
  Object.assign(process.env, env);
  process.chdir(root);
  await import('../server.ts');
}
