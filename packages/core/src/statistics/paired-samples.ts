/** Paired tests compare variants run with the same seeds: a[i] and b[i] must come from seed i. */
export function checkPairs(a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length) throw new RangeError(`a paired test needs matched pairs, got ${a.length} and ${b.length} values`);
  if (a.length === 0) throw new RangeError('a paired test needs at least one pair');
}
