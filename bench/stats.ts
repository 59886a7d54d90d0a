// Summary statistics for benchmark tables.

/** The q-quantile by linear interpolation between order statistics (Hyndman and Fan's type 7, R's default). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * q;
  const low = Math.floor(h);
  const high = Math.min(sorted.length - 1, low + 1);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (h - low) * (b - a);
}

export function median(values: number[]): number {
  return quantile(values, 0.5);
}

export interface Spread {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  return {
    median: median(values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

/** Running minimum: entry i is the best of the first i + 1 values. */
export function bestSoFar(values: number[]): number[] {
  const result: number[] = [];
  let best = Infinity;
  for (const v of values) {
    best = Math.min(best, v);
    result.push(best);
  }
  return result;
}

/** A figure for a table: three significant digits, exponent form for small or large magnitudes. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const magnitude = Math.abs(v);
  if (magnitude < 1e-3 || magnitude >= 1e5) return v.toExponential(2);
  return v.toPrecision(3);
}
