import { describe, expect, it } from 'vitest';

import { CsvError, formatCsv, parseCsv } from '../../src/cli/csv.ts';

const fieldsOf = (text: string) => parseCsv(text).map((record) => record.fields);

describe('CSV', () => {
  it('quotes the fields that hold a comma, a quote or a line break, and only those', () => {
    const text = formatCsv([
      ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', ''],
      ['0.1', '-3', 'x'],
    ]);

    expect(text).toBe('plain,"a,b","say ""hi""","two\nlines","cr\r",\r\n0.1,-3,x\r\n');
  });

  it('reads back what it writes', () => {
    const rows = [
      ['name', 'note'],
      ['a,b', 'say "hi"\r\nand more'],
      ['', '"'],
    ];

    expect(fieldsOf(formatCsv(rows))).toEqual(rows);
  });

  it('reads LF and CR line ends, a byte order mark, and a last line without an end', () => {
    expect(fieldsOf('\uFEFFa,b\nc,d\re,f')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e', 'f'],
    ]);
  });

  it('skips empty lines but keeps rows of empty fields', () => {
    expect(fieldsOf('a,b\n\n,\n\r\n')).toEqual([
      ['a', 'b'],
      ['', ''],
    ]);
  });

  it('gives each record the line it starts on, counting breaks inside quotes', () => {
    const records = parseCsv('h\n"one\ntwo"\nthree\n');

    expect(records.map((record) => record.line)).toEqual([1, 2, 4]);
  });

  it('names the line of an unclosed quote, a stray quote, and text after a closing quote', () => {
    expect(() => parseCsv('a\n"open\n\n')).toThrow(
      new CsvError(2, 'a quoted field is never closed'),
    );
    expect(() => parseCsv('a\nb"c\n')).toThrow(/^line 2: a quote inside a field/);
    expect(() => parseCsv('a\n\n"b"c\n')).toThrow(
      'line 3: "c" after a closing quote; expected a comma or the end of the line',
    );
  });
});
