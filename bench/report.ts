// Benchmarks print figures as ratios against a baseline measured in the same process, so the numbers
// mean the same on a laptop and on CI. Nothing here asserts a timing.

export interface Ratio {
  label: string;
  ours: number;
  baseline: number;
  unit: string;
  /** Higher is better unless told otherwise. */
  higherIsBetter?: boolean;
  /** The goal for ours / baseline, if the issue sets one. */
  target?: number;
}

export function printHeader(name: string, what: string): void {
  process.stdout.write(`\n## ${name}\n${what}\n`);
}

export function printRatio(r: Ratio): void {
  const ratio = r.ours / r.baseline;
  const better = r.higherIsBetter ?? true;
  const meets =
    r.target === undefined
      ? ''
      : (better ? ratio >= r.target : ratio <= r.target)
        ? '  (meets target)'
        : '  (BELOW TARGET)';
  const target = r.target === undefined ? '' : `, target ${better ? '≥' : '≤'} ${r.target}`;
  process.stdout.write(
    `- ${r.label}: ours ${fmt(r.ours)} ${r.unit}, baseline ${fmt(r.baseline)} ${r.unit}, ratio ${ratio.toFixed(3)}${target}${meets}\n`,
  );
}

export function printFigure(label: string, value: number | string, unit = ''): void {
  process.stdout.write(
    `- ${label}: ${typeof value === 'number' ? fmt(value) : value}${unit ? ` ${unit}` : ''}\n`,
  );
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** Wall time and peak RSS of an async step. */
export async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; ms: number; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const start = performance.now();
  try {
    const result = await fn();
    return {
      result,
      ms: performance.now() - start,
      peakRssMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}
