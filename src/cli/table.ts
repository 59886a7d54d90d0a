// Plain-text tables for the terminal: columns padded to their widest cell, two spaces apart.

export interface Column {
  title: string;
  /** Numbers read best lined up on the right. */
  align?: 'left' | 'right';
}

/** Width in terminal cells; the block and ellipsis characters used here are one cell each. */
const widthOf = (text: string): number => [...text].length;

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - widthOf(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** The table, one line per row under a line of titles, each line ending in a newline. */
export function formatTable(columns: readonly Column[], rows: readonly string[][]): string {
  const all = [columns.map((column) => column.title), ...rows];
  const widths = columns.map((_, index) =>
    Math.max(...all.map((row) => widthOf(row[index] ?? ''))),
  );

  const lines = all.map((row) =>
    columns
      .map((column, index) => pad(row[index] ?? '', widths[index] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}
