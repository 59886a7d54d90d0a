import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openDatabase } from '../../src/store/database.js';
import { acquireLock, DataDirLockedError } from '../../src/store/lock.js';
import { startFixture } from './fixtures/run.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'argmax-lock-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a process');
  return child.pid;
}

describe('the embedded database', () => {
  // One test, because creating an embedded database on disk takes about ten seconds.
  it('admits one opener at a time, names the holder to the others, and keeps its data', async () => {
    const dataDir = join(root, 'nested', 'data');
    const holder = startFixture({ DATA_DIR: dataDir, HOLD: '1' });
    try {
      expect(await holder.next()).toMatchObject({ ok: true });

      const opening = openDatabase({ databaseUrl: null, dataDir });
      await expect(opening).rejects.toThrow(DataDirLockedError);
      await expect(opening).rejects.toThrow(`${dataDir} is in use by process ${holder.child.pid}`);
    } finally {
      expect(await holder.release()).toBe(0);
    }

    const first = await openDatabase({ databaseUrl: null, dataDir });
    await first.prisma.client.create({ data: { name: 'kept' } });
    await expect(openDatabase({ databaseUrl: null, dataDir })).rejects.toThrow(
      `in use by process ${process.pid}`,
    );
    await first.close();
    expect(existsSync(join(dataDir, 'argmax.lock'))).toBe(false);

    const second = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const names = (await second.prisma.client.findMany()).map((client) => client.name);
      expect(names).toEqual(['kept']);
    } finally {
      await second.close();
    }
  }, 180_000);
});

describe('the data dir lock', () => {
  it('takes over a lock left by a process that has exited', () => {
    const path = join(root, 'argmax.lock');
    writeFileSync(path, `${deadPid()}\n`);

    const lock = acquireLock(path, root);

    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('lets exactly one of several processes take over a stale lock', async () => {
    const path = join(root, 'argmax.lock');
    writeFileSync(path, `${deadPid()}\n`);
    const takers = Array.from({ length: 4 }, () =>
      startFixture({ LOCK_PATH: path }, 'take-lock.ts'),
    );
    try {
      await Promise.all(takers.map((taker) => taker.next()));
      takers.forEach((taker) => taker.go());
      const outcomes = await Promise.all(takers.map((taker) => taker.next()));

      const winners = outcomes.filter((outcome) => outcome.ok);
      expect(winners).toHaveLength(1);
      expect(readFileSync(path, 'utf8')).toBe(`${winners[0]?.pid}\n`);
      for (const loser of outcomes.filter((outcome) => !outcome.ok)) {
        expect(loser.message).toContain(`in use by process ${winners[0]?.pid}`);
      }
    } finally {
      await Promise.all(takers.map((taker) => taker.release()));
    }
    expect(existsSync(path)).toBe(false);
  }, 120_000);

  it('takes over a lock file without a readable pid', () => {
    const path = join(root, 'argmax.lock');
    writeFileSync(path, 'garbage');

    acquireLock(path, root).release();
  });

  it('refuses a lock held by a live process and leaves the file alone', () => {
    const path = join(root, 'argmax.lock');
    const held = acquireLock(path, root);

    expect(() => acquireLock(path, root)).toThrow(
      new DataDirLockedError(root, process.pid).message,
    );
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    held.release();
  });

  it('does not remove a lock that another process took over', () => {
    const path = join(root, 'argmax.lock');
    const lock = acquireLock(path, root);
    writeFileSync(path, '1\n');

    lock.release();

    expect(readFileSync(path, 'utf8')).toBe('1\n');
  });
});
