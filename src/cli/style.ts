// Emphasis for terminals. Output to a file or a pipe, or with NO_COLOR set
// (https://no-color.org), stays plain text.

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
}

export const plain: Style = { bold: (text) => text, dim: (text) => text };

const ansi: Style = {
  bold: (text) => `\x1b[1m${text}\x1b[22m`,
  dim: (text) => `\x1b[2m${text}\x1b[22m`,
};

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY === true && !env.NO_COLOR ? ansi : plain;
}
