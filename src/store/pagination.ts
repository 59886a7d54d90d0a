// Keyset pagination over ids, newest first. `before` walks to older rows,
// `after` to newer ones; the page itself is always newest first.

export interface PageRequest {
  limit: number;
  before: string | null;
  after: string | null;
}

export interface Page<T> {
  count: number;
  data: T[];
  /** Id to pass as `before` for the next, older page; null on the last page. */
  before: string | null;
  /** Id to pass as `after` for the newer page; null on the first page. */
  after: string | null;
}

export interface IdRange {
  lt?: bigint;
  gt?: bigint;
}

export interface PageQuery<T> {
  count: () => Promise<number>;
  find: (range: IdRange, order: 'asc' | 'desc', take: number) => Promise<T[]>;
}

async function exists<T>(query: PageQuery<T>, range: IdRange): Promise<boolean> {
  return (await query.find(range, 'desc', 1)).length > 0;
}

export async function paginate<T extends { id: bigint }>(
  request: PageRequest,
  query: PageQuery<T>,
): Promise<Page<T>> {
  const count = await query.count();
  const take = request.limit + 1;
  let rows: T[];
  let older: boolean;
  let newer: boolean;

  if (request.after !== null) {
    rows = await query.find({ gt: BigInt(request.after) }, 'asc', take);
    newer = rows.length > request.limit;
    rows = rows.slice(0, request.limit).reverse();
    const oldest = rows.at(-1)?.id ?? BigInt(request.after) + 1n;
    older = await exists(query, { lt: oldest });
  } else {
    const range = request.before === null ? {} : { lt: BigInt(request.before) };
    rows = await query.find(range, 'desc', take);
    older = rows.length > request.limit;
    rows = rows.slice(0, request.limit);
    const newest = rows[0]?.id ?? (request.before === null ? null : BigInt(request.before) - 1n);
    newer = newest !== null && (await exists(query, { gt: newest }));
  }

  const first = rows[0];
  const last = rows.at(-1);
  return {
    count,
    data: rows,
    before: older && last ? last.id.toString() : null,
    after: newer && first ? first.id.toString() : null,
  };
}
