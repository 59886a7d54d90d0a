import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';

/**
 * An exclusive lock file holding the owner's pid. An embedded PGlite database admits one process
 * at a time (two writers would corrupt it), so whoever opens it first holds this file until it
 * closes. A file left by a process that died is taken over.
 */

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid}; ` +
        'stop that process, or use its HTTP API, or set DATABASE_URL to use a Postgres server',
    );
  }
}

export interface FileLock {
  readonly path: string;
  release(): void;
}

/** How long a takeover may take before another process treats it as abandoned. */
const takeoverStaleMs = 10_000;
const retryDelayMs = 20;
const maxRounds = 1_000;

/** Takes the lock at `path` or throws DataDirLockedError naming the live holder. */
export function acquireLock(path: string, dataDir: string): FileLock {
  for (let round = 0; round < maxRounds; round += 1) {
    if (tryCreate(path)) return ownedLock(path);

    const holder = readHolder(path);
    if (holder !== null && isAlive(holder)) throw new DataDirLockedError(dataDir, holder);
    if (!removeStale(path, holder)) sleep(retryDelayMs);
  }
  throw new DataDirLockedError(dataDir, readHolder(path) ?? -1);
}

/**
 * Removes a lock left by a dead process. Two processes that both found it dead must not both
 * remove it, or the second would remove the lock the first has just taken; so the check and the
 * removal happen under a second lock file, taken atomically. Returns false when another process
 * is taking over at the moment.
 */
function removeStale(path: string, deadHolder: number | null): boolean {
  const takeover = `${path}.takeover`;
  if (!tryCreate(takeover)) {
    if (ageMs(takeover) > takeoverStaleMs) removeIfPresent(takeover);
    return false;
  }
  try {
    if (readHolder(path) === deadHolder) removeIfPresent(path);
    return true;
  } finally {
    removeIfPresent(takeover);
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return 0;
    throw error;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// The pid is written to a private file first and then linked into place, which is atomic: a reader
// never sees a lock file without its pid, so it never mistakes a fresh lock for a stale one.
function tryCreate(path: string): boolean {
  const staging = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(staging, `${process.pid}\n`, { mode: 0o644 });
  try {
    linkSync(staging, path);
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    removeIfPresent(staging);
  }
}

function ownedLock(path: string): FileLock {
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      // Remove only a lock that is still ours: a lock taken over after a crash belongs to another.
      if (readHolder(path) === process.pid) removeIfPresent(path);
    },
  };
}

function readHolder(path: string): number | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return isErrno(error, 'EPERM');
  }
}

function removeIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
