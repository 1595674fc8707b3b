/** Every figure is printed beside a baseline measured in the same run, so the ratio means something. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** 'higher' when a bigger value is better (rates), 'lower' for times. */
  better: 'higher' | 'lower';
  target?: string;
}

export function printFigures(title: string, figures: Figure[]): void {
  console.log(`\n## ${title}`);
  for (const f of figures) {
    const ratio = f.better === 'higher' ? f.baseline / f.value : f.value / f.baseline;
    console.log(
      `${f.name.padEnd(48)} ${fmt(f.value).padStart(12)} ${f.unit.padEnd(8)} | ${f.baselineName.padEnd(40)} ${fmt(f.baseline).padStart(12)} ${f.unit.padEnd(8)} | cost ${ratio.toFixed(2)}x${f.target ? `  (target ${f.target})` : ''}`,
    );
  }
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}
