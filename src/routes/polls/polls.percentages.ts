/**
 * Percentages with one decimal that add up to exactly 100.0 (largest-remainder method):
 * every share is floored to a tenth, then the tenths left over go to the largest remainders
 * (earlier entries win ties, so the result is deterministic). Zero voters → all 0.
 */
export function largestRemainderPercentages(counts: number[], total: number): number[] {
  if (total <= 0) return counts.map(() => 0);
  const tenths = counts.map((count) => (count * 1000) / total);
  const floors = tenths.map(Math.floor);
  let left = 1000 - floors.reduce((sum, value) => sum + value, 0);
  const order = tenths
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left <= 0) break;
    floors[index] = (floors[index] as number) + 1;
    left -= 1;
  }
  return floors.map((value) => value / 10);
}

/** Independent shares of voters (multiple-choice questions do not sum to 100). */
export function simplePercentages(counts: number[], total: number): number[] {
  return counts.map((count) => (total > 0 ? Math.round((count * 1000) / total) / 10 : 0));
}
