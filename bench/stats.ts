// Small helpers for the benchmarks: percentiles and a fixed-width report line.

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean };
}

export function report(name: string, summary: Summary, target?: { p50?: number; p99?: number }): string {
  const ms = (v: number) => `${v.toFixed(2)} ms`;
  const verdict = (value: number, limit?: number) =>
    limit === undefined ? "" : value <= limit ? " ✓" : ` ✗ (target ${limit} ms)`;
  return `${name.padEnd(44)} p50 ${ms(summary.p50).padStart(10)}${verdict(summary.p50, target?.p50)}   p99 ${ms(summary.p99).padStart(10)}${verdict(summary.p99, target?.p99)}   n=${summary.n}`;
}
