import type { Sql } from '../../src/store/sql.ts';

/** The database's statements, counted by name as they are sent; a real connection underneath. */
export function countingSql(sql: Sql, counts: Map<string, number>): Sql {
  const count = (name: string | undefined) => {
    if (name) counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  return {
    query: (text, params, name, options) => {
      count(name);
      return sql.query(text, params, name, options);
    },
    transaction: (work) => sql.transaction((tx) => work(countingSql(tx, counts))),
  };
}
