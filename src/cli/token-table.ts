import type { TokenView } from '../service/control.ts';

// The table `token list` prints: one row a token, columns padded to their widest cell.

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

  const rows = [
    columns.map((column) => column.title),
    ...tokens.map((token) => columns.map((column) => column.cell(token))),
  ];
  const widths = columns.map((_, index) =>
    Math.max(...rows.map((row) => (row[index] ?? '').length)),
  );

  const lines = rows.map((row) =>
    row
      .map((cell, index) => cell.padEnd(widths[index] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
