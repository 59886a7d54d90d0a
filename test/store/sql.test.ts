import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';

// The plain-SQL runner on Postgres: a transaction the database undoes for a
// deadlock runs again. The deadlock is a real one, between the runner's
// transaction and a second connection taking the same two rows the other way
// round; Postgres breaks it by failing the transaction that waited first.

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('plain SQL on Postgres', () => {
  let db: TestDatabase;
  let other: pg.Client;

  beforeAll(async () => {
    db = await openTestDatabase('postgres');
    await db.sql.query('CREATE TABLE locks_test (id int PRIMARY KEY, n int NOT NULL)');
    await db.sql.query('INSERT INTO locks_test VALUES (1, 0), (2, 0)');
    other = new pg.Client({ connectionString: db.url ?? '' });
    await other.connect();
  });

  afterAll(async () => {
    await other?.end();
    await db?.close();
  });

  it('fails a transaction whose connection the server ended between two statements, and goes on', async () => {
    const ended = db.sql.transaction(async (tx) => {
      const [own] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await other.query('SELECT pg_terminate_backend($1)', [own?.pid]);
      // The connection hears of its end while idle in the transaction.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await tx.query('SELECT 1');
    });

    await expect(ended).rejects.toThrow();
    expect(await db.sql.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('runs a transaction again when the database broke a deadlock by failing it', async () => {
    let attempts = 0;
    let otherHoldsTwo!: () => void;
    const otherReady = new Promise<void>((resolve) => (otherHoldsTwo = resolve));

    await other.query('BEGIN');
    // The other side checks for deadlocks late, so that ours is the one failed.
    await other.query("SET LOCAL deadlock_timeout = '10s'");
    await other.query('UPDATE locks_test SET n = n + 10 WHERE id = 2');
    const ours = db.sql.transaction(async (tx) => {
      attempts += 1;
      await tx.query('UPDATE locks_test SET n = n + 1 WHERE id = 1');
      if (attempts === 1) otherHoldsTwo();
      // Waits for the other connection's row 2; in the first attempt the
      // other then waits for row 1, and one of the two must give way.
      await tx.query('UPDATE locks_test SET n = n + 1 WHERE id = 2');
    });
    await otherReady;
    const theirs = other
      .query('UPDATE locks_test SET n = n + 10 WHERE id = 1')
      .then(() => other.query('COMMIT'));
    await Promise.all([ours, theirs]);

    // Usually the second attempt gets through; a retry that takes row 1 before
    // the other side can collide once more, and is run again in turn.
    expect(attempts).toBeGreaterThanOrEqual(2);
    const rows = await db.sql.query<{ id: number; n: number }>(
      'SELECT id, n FROM locks_test ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, n: 11 },
      { id: 2, n: 11 },
    ]);
  }, 30_000);
});
