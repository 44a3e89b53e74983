/** Nanoseconds (from process.hrtime) as a log line shows them: "1.2 ms". */
export function formatElapsed(ns: number): string {
  return `${(ns / 1e6).toFixed(1)} ms`;
}
