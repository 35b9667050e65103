/**
 * The closest of `candidates` to `word` (case aside), if any is within `maxEdits` edits and half
 * the word's length: what a "did you mean" offers. One measure for every misspelt name, so a spec
 * field and an API resource are guessed alike.
 */
export function closest(word: string, candidates: readonly string[], maxEdits = 2): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(maxEdits, Math.ceil(word.length / 2)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions, one each. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}
