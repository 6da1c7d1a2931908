/**
 * A mergeable log-linear latency histogram (the DDSketch mapping): bucket i holds values in
 * (γ^(i-1), γ^i] with γ = (1+α)/(1-α). Reporting a bucket by 2γ^i/(γ+1) keeps every quantile
 * within relative error α of a true sample value. Buckets are a sparse map, so merging two
 * histograms (isolates, shards, minutes) is adding counts.
 */
export const RELATIVE_ACCURACY = 0.02;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Durations below this (ms) are counted in the zero bucket: sub-microsecond precision is noise. */
const MIN_VALUE = 0.001;
const ZERO_BUCKET = "z";

export type Histogram = Record<string, number>;

function bucketOf(value: number): string {
  if (!(value > MIN_VALUE)) return ZERO_BUCKET;
  return String(Math.ceil(Math.log(value) / LOG_GAMMA));
}

function representative(bucket: string): number {
  if (bucket === ZERO_BUCKET) return 0;
  return (2 * GAMMA ** Number(bucket)) / (GAMMA + 1);
}

export function addValue(histogram: Histogram, value: number, count = 1): void {
  const bucket = bucketOf(value);
  histogram[bucket] = (histogram[bucket] ?? 0) + count;
}

export function mergeInto(target: Histogram, source: Histogram): void {
  for (const [bucket, count] of Object.entries(source)) target[bucket] = (target[bucket] ?? 0) + count;
}

function orderedBuckets(histogram: Histogram): Array<[string, number]> {
  return Object.entries(histogram).sort(([a], [b]) => {
    if (a === ZERO_BUCKET) return -1;
    if (b === ZERO_BUCKET) return 1;
    return Number(a) - Number(b);
  });
}

/** The q-quantile (0..1), nearest-rank over bucket counts; 0 for an empty histogram. */
export function quantile(histogram: Histogram, q: number): number {
  const buckets = orderedBuckets(histogram);
  const total = buckets.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bucket, count] of buckets) {
    seen += count;
    if (seen >= rank) return representative(bucket);
  }
  return representative(buckets.at(-1)?.[0] ?? ZERO_BUCKET);
}
