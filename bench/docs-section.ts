// Rewrites one benchmark's section of docs/benchmarks.md between its markers and
// leaves the rest of the file as it is.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const BENCHMARKS_DOC = new URL('../docs/benchmarks.md', import.meta.url);

function markers(section: string): { start: string; end: string } {
  return { start: `<!-- ${section}:start -->`, end: `<!-- ${section}:end -->` };
}

/** The document with the text between the section's markers replaced (the section appended if absent). */
export function replaceSection(document: string, section: string, body: string): string {
  const { start, end } = markers(section);
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = document.indexOf(start);
  const j = document.indexOf(end);
  if (i === -1 || j === -1 || j < i) {
    return `${document.trimEnd()}\n\n${block}\n`;
  }
  return document.slice(0, i) + block + document.slice(j + end.length);
}

export function writeSection(section: string, body: string, file: URL = BENCHMARKS_DOC): void {
  const document = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  writeFileSync(file, replaceSection(document, section, body));
}
