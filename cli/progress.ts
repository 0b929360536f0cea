/**
 * What a live command says on stderr while it samples: how long the window will take, before it
 * starts, then one line per sample (or, on a terminal, one line rewritten in place). Never on
 * stdout: that is the result's, and with --json exactly one document.
 */

export interface ProgressStream {
  isTTY?: boolean | undefined;
  write(text: string): unknown;
}

/** 45_000 -> "45 s", 500 -> "500 ms", 150_000 -> "2 min 30 s", 3_900_000 -> "1 h 5 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const min = Math.round(s / 60);
  return min % 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min / 60} h`;
}

/** "sampling 4 snapshots 15 s apart: about 45 s": the wait is the intervals between samples. */
export function windowPlan(samples: number, intervalMs: number): string {
  if (samples <= 1) return "sampling 1 snapshot (no window: the windowed rules need 2 or more)";
  return `sampling ${samples} snapshots ${formatDuration(intervalMs)} apart: about ${formatDuration((samples - 1) * intervalMs)}`;
}

export interface SampleProgress {
  /** The plan, written once; the first sample writes it if nothing did before. */
  start(): void;
  /** Sample `index` (0-based) was read. */
  sample(index: number): void;
  /** Ends a line being rewritten, so that whatever is written next starts on its own line. */
  interrupt(): void;
}

export function sampleProgress(out: ProgressStream, samples: number, intervalMs: number): SampleProgress {
  const tty = out.isTTY === true;
  let open = false; // a rewritten line is on screen, without its newline
  let started = false;
  const start = () => {
    if (!started) out.write(`kafka-ops: ${windowPlan(samples, intervalMs)}\n`);
    started = true;
  };
  const line = (index: number) =>
    `kafka-ops: sample ${index + 1}/${samples} read${index + 1 < samples ? `; next in ${formatDuration(intervalMs)}` : ""}`;
  return {
    start,
    sample(index) {
      start();
      if (!tty) {
        out.write(`${line(index)}\n`);
        return;
      }
      // \r and erase-line: the count updates in place; the last sample ends the line.
      const last = index + 1 >= samples;
      out.write(`\r\u001b[2K${line(index)}${last ? "\n" : ""}`);
      open = !last;
    },
    interrupt() {
      if (open) out.write("\n");
      open = false;
    },
  };
}
