/** A stream the progress bar draws on (stderr, so results on stdout stay clean). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressBar {
  /** Redraws with the counts so far. */
  update(done: number, failed: number): void;
  /** Ends the bar's line. */
  finish(): void;
}

/**
 * `[#####·····] 12/40  1 failed`, redrawn in place on a terminal. Off a
 * terminal it draws nothing: a log file gets the summary line instead of
 * hundreds of carriage returns.
 */
export function createProgressBar(total: number, stream: ProgressStream, width = 30): ProgressBar {
  const enabled = stream.isTTY === true;
  let drawn = false;
  return {
    update(done, failed) {
      if (!enabled) return;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const bar = `${"#".repeat(filled)}${"·".repeat(width - filled)}`;
      stream.write(`\r[${bar}] ${done}/${total}${failed > 0 ? `  ${failed} failed` : ""}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
