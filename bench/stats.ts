/**
 * What every benchmark reports: a subject measured beside its floor in one run, interleaved
 * (subject, floor, subject, floor, …, the order flipped every other pair), so that whatever else
 * the machine does hits both alike. Each pair gives one ratio; the figure is their median, with
 * the spread (p25–p75) and the number of pairs.
 */

export interface Spread {
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  n: number;
}

export interface Comparison {
  /** Median of the subject's samples (unit as measured). */
  subject: number;
  /** Median of the floor's samples. */
  floor: number;
  /** subject / floor per interleaved pair. */
  ratio: Spread;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export function spread(samples: readonly number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p25: quantile(sorted, 0.25),
    p75: quantile(sorted, 0.75),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}

/**
 * Runs `pairs` interleaved measurements of subject and floor (each call returns one sample:
 * milliseconds, µs per operation, operations per second) and compares them, subject / floor.
 */
export async function compare(
  pairs: number,
  subject: () => Promise<number> | number,
  floor: () => Promise<number> | number,
): Promise<Comparison> {
  const subjects: number[] = [];
  const floors: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let s: number;
    let f: number;
    if (i % 2 === 0) {
      s = await subject();
      f = await floor();
    } else {
      f = await floor();
      s = await subject();
    }
    subjects.push(s);
    floors.push(f);
    ratios.push(s / f);
  }
  return { subject: spread(subjects).median, floor: spread(floors).median, ratio: spread(ratios) };
}

/** Runs `work` with at most `concurrency` calls in flight until `total` calls finished; resolves with calls per second. */
export async function rate(total: number, concurrency: number, work: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < total; i = next++) await work(i);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

/** µs per call of a synchronous function, over `iterations` calls. */
export function microsPerCall(iterations: number, work: () => unknown): number {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) work();
  return ((performance.now() - started) * 1000) / iterations;
}

/** µs per call of an asynchronous function, awaited one after the other, over `iterations` calls. */
export async function microsPerAsyncCall(iterations: number, work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await work();
  return ((performance.now() - started) * 1000) / iterations;
}

/**
 * How many calls of `work` take about `targetMs` (at least 1): samples long enough to outlast timer
 * and GC noise. Calibrates twice, so that the first calls (compilation, JIT tiers) do not count.
 */
export async function iterationsFor(targetMs: number, work: () => unknown, warm = false): Promise<number> {
  if (!warm) await iterationsFor(targetMs, work, true);
  let iterations = 16;
  for (;;) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) {
      const result = work();
      if (result instanceof Promise) await result;
    }
    const elapsed = performance.now() - started;
    if (elapsed >= targetMs / 4) return Math.max(1, Math.round((iterations * targetMs) / elapsed));
    iterations *= 4;
  }
}

export const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** `1.23× (p25–p75 1.20–1.27, n=21)` */
export const ratioText = (ratio: Spread): string => `${fmt(ratio.median)}× (${fmt(ratio.p25)}–${fmt(ratio.p75)}, n=${ratio.n})`;
