import pg from 'pg';

import type { Ledger } from './workers.ts';

// Reads the database directly (not through the service) and lists every way
// it disagrees with the workers' ledgers. An empty list is a pass.

interface SuggestionRow {
  id: string;
  state: string;
  deleted: boolean;
}

interface ObservationRow {
  id: string;
  suggestion_id: string | null;
}

async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function observationProblems(ledger: Ledger, rows: ObservationRow[]): string[] {
  const problems: string[] = [];
  const stored = new Map(rows.map((row) => [row.id, row.suggestion_id]));
  for (const [id, suggestion] of ledger.observations) {
    if (!stored.has(id)) problems.push(`acknowledged observation ${id} is missing`);
    else if (stored.get(id) !== suggestion) problems.push(`observation ${id} changed suggestion`);
  }
  for (const row of rows) {
    if (!ledger.observations.has(row.id)) {
      problems.push(
        `observation ${row.id} (suggestion ${row.suggestion_id}) was never acknowledged`,
      );
    }
  }
  const reported = new Map<string, number>();
  rows.forEach((row) => {
    if (row.suggestion_id !== null) {
      reported.set(row.suggestion_id, (reported.get(row.suggestion_id) ?? 0) + 1);
    }
  });
  for (const [suggestion, count] of reported) {
    if (count > 1) problems.push(`suggestion ${suggestion} has ${count} observations`);
  }
  return problems;
}

/** Why the suggestion may be in its state, or null when the ledgers do not explain it. */
function accounted(ledger: Ledger, row: SuggestionRow, observed: Set<string>): boolean {
  if (row.deleted) return ledger.deleted.has(row.id);
  switch (row.state) {
    case 'closed':
      return observed.has(row.id);
    case 'open':
      return ledger.leftOpen.has(row.id);
    default:
      return false;
  }
}

function suggestionProblems(ledger: Ledger, rows: SuggestionRow[]): string[] {
  const problems: string[] = [];
  const stored = new Set(rows.map((row) => row.id));
  const observed = new Set(ledger.observations.values());
  for (const id of ledger.suggestions) {
    if (!stored.has(id)) problems.push(`acknowledged suggestion ${id} is missing`);
  }
  for (const row of rows) {
    if (!ledger.suggestions.has(row.id)) {
      problems.push(`suggestion ${row.id} (${row.state}) was never acknowledged`);
    } else if (!accounted(ledger, row, observed)) {
      problems.push(`suggestion ${row.id} is ${row.deleted ? 'deleted' : row.state} unexpectedly`);
    }
  }
  return problems;
}

/** Everything in the database for these experiments that the ledger does not explain. */
export async function audit(url: string, experiments: string[], ledger: Ledger): Promise<string[]> {
  const ids = experiments.map((id) => BigInt(id).toString());
  const observations = await query<ObservationRow>(
    url,
    `SELECT id::text, suggestion_id::text FROM observations
      WHERE experiment_id = ANY($1::bigint[]) AND deleted_at IS NULL`,
    [ids],
  );
  const suggestions = await query<SuggestionRow>(
    url,
    'SELECT id::text, state::text, deleted FROM suggestions WHERE experiment_id = ANY($1::bigint[])',
    [ids],
  );
  const clashes = await query<{ experiment_id: string; count: string }>(
    url,
    `SELECT experiment_id::text, count(*)::text FROM suggestions
      WHERE experiment_id = ANY($1::bigint[]) AND state = 'open' AND NOT deleted
        AND source <> 'user'
      GROUP BY experiment_id, assignments HAVING count(*) > 1`,
    [ids],
  );
  return [
    ...observationProblems(ledger, observations),
    ...suggestionProblems(ledger, suggestions),
    ...clashes.map(
      (row) => `experiment ${row.experiment_id}: ${row.count} open suggestions share a point`,
    ),
  ];
}
