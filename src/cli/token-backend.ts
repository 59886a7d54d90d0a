import { setTimeout as sleep } from 'node:timers/promises';

import type { Config } from '../config.ts';
import {
  controlSocketPath,
  runTokenCommand,
  type TokenCommand,
  type TokenCommandResult,
} from '../service/control.ts';
import { openDatabase, type DatabaseLogger } from '../store/database.ts';
import { DataDirLockedError } from '../store/lock.ts';
import { ControlUnreachableError, sendTokenCommand } from './control-client.ts';

// Where a token command runs. With DATABASE_URL, on Postgres directly, whether a server runs or
// not. On the embedded database, directly when its lock is free; when a live process holds it,
// through that process's control socket. A holder without a socket is a server still starting or
// another command with the database open; both let go soon, so the command tries again a while
// (a first start creates the database, which takes from seconds to a minute on a busy machine).

/** How long to keep trying while the embedded database is held and nobody answers. */
const waitMs = 60_000;
const retryEveryMs = 250;

const stderrLogger: DatabaseLogger = {
  info() {},
  warn: (_obj, msg) => console.error(`argmax token: ${msg}`),
  error: (_obj, msg) => console.error(`argmax token: ${msg}`),
};

export async function executeTokenCommand(
  command: TokenCommand,
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
): Promise<TokenCommandResult> {
  if (config.databaseUrl !== null) return runOnDatabase(command, config);
  return runOnEmbedded(command, config.dataDir);
}

async function runOnDatabase(
  command: TokenCommand,
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
): Promise<TokenCommandResult> {
  const database = await openDatabase({ ...config, poolSize: 1, logger: stderrLogger });
  try {
    return await runTokenCommand(database.prisma, command);
  } finally {
    await database.close();
  }
}

async function runOnEmbedded(command: TokenCommand, dataDir: string): Promise<TokenCommandResult> {
  const socket = controlSocketPath(dataDir);
  const deadline = Date.now() + waitMs;
  let waiting = false;

  for (;;) {
    let holder: number;
    try {
      return await runOnDatabase(command, { databaseUrl: null, dataDir });
    } catch (error) {
      if (!(error instanceof DataDirLockedError)) throw error;
      holder = error.pid;
    }

    try {
      return await sendTokenCommand(socket, command);
    } catch (error) {
      if (!(error instanceof ControlUnreachableError)) throw error;
    }

    if (Date.now() >= deadline) throw heldWithoutSocket(dataDir, holder, socket);
    if (!waiting) {
      waiting = true;
      console.error(`argmax token: waiting for process ${holder} to release ${dataDir}`);
    }
    await sleep(retryEveryMs);
  }
}

function heldWithoutSocket(dataDir: string, pid: number, socket: string): Error {
  return new Error(
    `the embedded database in ${dataDir} is in use by process ${pid}, which does not answer ` +
      `on ${socket}; if it is an argmax server, check its log, or stop it and try again`,
  );
}
