import type { TokenView } from '../service/control.ts';
import { formatTable } from './table.ts';

// The table `token list` prints: one row a token.

const columns: { title: string; cell: (token: TokenView) => string }[] = [
  { title: 'ID', cell: (token) => token.id },
  { title: 'CLIENT', cell: (token) => token.client },
  { title: 'HINT', cell: (token) => token.hint },
  { title: 'PERMISSIONS', cell: (token) => token.permissions },
  { title: 'DEVELOPMENT', cell: (token) => (token.development ? 'yes' : 'no') },
  { title: 'CREATED', cell: (token) => timeOf(token.created) },
  { title: 'EXPIRES', cell: (token) => timeOf(token.expires) },
  { title: 'REVOKED', cell: (token) => timeOf(token.revoked) },
];

/** An ISO 8601 time to the second, in UTC; '-' for none. */
function timeOf(iso: string | null): string {
  return iso === null ? '-' : `${iso.slice(0, 19)}Z`;
}

export function formatTokenTable(tokens: readonly TokenView[]): string {
  if (tokens.length === 0) return 'no tokens\n';

  return formatTable(
    columns,
    tokens.map((token) => columns.map((column) => column.cell(token))),
  );
}
