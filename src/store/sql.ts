import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';

// Plain SQL on the driver itself, beside Prisma, for the few statements every
// worker's request runs: there the client's query planning costs more than the
// database's work. Both backends answer through the same interface. The two
// drivers parse int8 differently (a string, a number), so statements cast ids
// to text and counts to int.

export interface Sql {
  /**
   * Runs one statement. A `name` makes it a prepared statement on Postgres,
   * planned once per connection instead of on every call: worth it for the
   * long statements the workers' requests run many times a second. With
   * `prepare: false` the name only labels the statement, which is planned
   * on every call: for one whose best plan changes as the tables grow.
   */
  query<T extends object>(
    text: string,
    params?: readonly unknown[],
    name?: string,
    options?: QueryOptions,
  ): Promise<T[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
}

export interface QueryOptions {
  /** False: plan the statement on every call even though it has a name. */
  prepare?: boolean;
}

type Queryable = Pick<pg.Pool, 'query'>;

const pgQuery = async <T extends object>(
  connection: Queryable,
  text: string,
  params: readonly unknown[] = [],
  name?: string,
  options: QueryOptions = {},
): Promise<T[]> => {
  const prepared = name && options.prepare !== false ? { name } : {};
  return (await connection.query<T>({ text, values: params as unknown[], ...prepared })).rows;
};

const onConnection = (connection: Queryable): Sql => ({
  query: (text, params, name, options) => pgQuery(connection, text, params, name, options),
  transaction: () => Promise.reject(new Error('transactions do not nest')),
});

/** Serialization failure and deadlock: the database undid the work, which may simply run again. */
const retryable = new Set(['40001', '40P01']);
const ROUNDS = 4;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && retryable.has(code);
}

/**
 * Runs `attempt` again (up to ROUNDS times in all) when the database undid it,
 * after a short random pause, so that the transaction it collided with can
 * take the locks it was waiting for first.
 */
async function retried<T>(attempt: () => Promise<T>): Promise<T> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (round >= ROUNDS || !isRetryable(error)) throw error;
      const pause = 25 * round * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}

/**
 * Postgres through the pool. A statement, or a whole transaction, that the
 * database undid for a deadlock or a serialization failure runs again (four
 * attempts in all).
 */
export function postgresSql(pool: pg.Pool): Sql {
  return {
    query: (text, params, name, options) =>
      retried(() => pgQuery(pool, text, params, name, options)),
    transaction: (work) => retried(() => inTransaction(pool, work)),
  };
}

async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql) => Promise<T>): Promise<T> {
  const connection = await pool.connect();
  let broken: Error | undefined;
  // The pool listens for errors of idle connections only: one that breaks
  // while checked out (the server restarting between two statements) emits
  // 'error' here, which unheard would end the process.
  const onError = (error: Error) => (broken = error);
  connection.on('error', onError);
  try {
    await connection.query('BEGIN');
    const result = await work(onConnection(connection));
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch((rollback: unknown) => {
      // A connection that cannot roll back must not go back to the pool.
      broken = rollback instanceof Error ? rollback : new Error(String(rollback));
    });
    throw error;
  } finally {
    connection.off('error', onError);
    connection.release(broken);
  }
}

const onPGliteTransaction = (tx: Transaction): Sql => ({
  query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
    (await tx.query<T>(text, params as unknown[])).rows,
  transaction: () => Promise.reject(new Error('transactions do not nest')),
});

export function pgliteSql(db: PGlite): Sql {
  return {
    query: async <T extends object>(text: string, params: readonly unknown[] = []) =>
      (await db.query<T>(text, params as unknown[])).rows,
    transaction: (work) => db.transaction((tx) => work(onPGliteTransaction(tx))),
  };
}
