// Progress of long work on standard error: a bar redrawn in place on a terminal, and one plain
// line per step when the output goes to a file or a pipe, which control codes would garble.

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of the total are finished. */
  update(done: number): void;
  /** Ends the bar's line. */
  finish(): void;
}

/** `[████████░░░░░░░░] 500/1200`, the bar `width` cells wide. */
export function progressBar(done: number, total: number, width: number): string {
  const fraction = total <= 0 ? 1 : Math.min(1, Math.max(0, done / total));
  const filled = Math.round(fraction * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`;
}

const barWidth = 30;
/** Back to the start of the line, and clear it. */
const redraw = '\r\x1b[2K';

/** Reports progress of `total` units of work named `unit` (plural), e.g. "observations". */
export function startProgress(stream: ProgressStream, total: number, unit: string): Progress {
  if (stream.isTTY === true) {
    let drawn = false;
    return {
      update(done) {
        stream.write(`${redraw}${progressBar(done, total, barWidth)} ${unit}`);
        drawn = true;
      },
      finish() {
        if (drawn) stream.write('\n');
      },
    };
  }
  return {
    update(done) {
      stream.write(`${done}/${total} ${unit}\n`);
    },
    finish() {},
  };
}
