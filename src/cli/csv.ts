// Comma-separated values as RFC 4180 defines them: records end in CRLF (LF and CR alone are read
// too), a field holding a comma, a quote or a line break is quoted, and a quote inside a quoted
// field is doubled.

export class CsvError extends Error {
  override readonly name = 'CsvError';

  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(`line ${line}: ${problem}`);
  }
}

export interface CsvRecord {
  fields: string[];
  /** The line the record starts on, counting from 1, for messages. */
  line: number;
}

const needsQuotes = /[",\r\n]/;

export function formatCsvField(field: string): string {
  return needsQuotes.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${row.map(formatCsvField).join(',')}\r\n`).join('');
}

/** Reads every record; lines with nothing on them are skipped. */
export function parseCsv(text: string): CsvRecord[] {
  const reader = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const records: CsvRecord[] = [];
  while (!reader.done()) {
    const record = reader.record();
    if (record.fields.length > 1 || record.fields[0] !== '') records.push(record);
  }
  return records;
}

class Reader {
  private index = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.index >= this.text.length;
  }

  record(): CsvRecord {
    const line = this.line;
    const fields: string[] = [];
    for (;;) {
      fields.push(this.text[this.index] === '"' ? this.quoted() : this.plain());
      const next = this.text[this.index];
      if (next === ',') {
        this.index += 1;
        continue;
      }
      this.endOfLine();
      return { fields, line };
    }
  }

  private plain(): string {
    const start = this.index;
    while (!this.done() && !',\r\n'.includes(this.text[this.index] ?? '')) {
      if (this.text[this.index] === '"') {
        throw new CsvError(
          this.line,
          'a quote inside a field that does not start with one; quote the whole field and double the quotes inside it',
        );
      }
      this.index += 1;
    }
    return this.text.slice(start, this.index);
  }

  private quoted(): string {
    const opened = this.line;
    let value = '';
    this.index += 1;
    for (;;) {
      const end = this.text.indexOf('"', this.index);
      if (end === -1) throw new CsvError(opened, 'a quoted field is never closed');
      value += this.text.slice(this.index, end);
      this.line += countLines(this.text.slice(this.index, end));
      this.index = end + 1;
      if (this.text[this.index] !== '"') break;
      value += '"';
      this.index += 1;
    }

    const after = this.text[this.index];
    if (after !== undefined && !',\r\n'.includes(after)) {
      throw new CsvError(
        this.line,
        `${JSON.stringify(after)} after a closing quote; expected a comma or the end of the line`,
      );
    }
    return value;
  }

  private endOfLine(): void {
    if (this.text[this.index] === '\r') this.index += 1;
    if (this.text[this.index] === '\n') this.index += 1;
    this.line += 1;
  }
}

/** Line breaks in a stretch of text: CRLF, LF and CR each count once. */
function countLines(text: string): number {
  return text.match(/\r\n|\r|\n/g)?.length ?? 0;
}
