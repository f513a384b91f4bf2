/**
 * "Did you mean …?": the names nearest a mistyped one, for commands, options and repos. The
 * distance is Damerau–Levenshtein's (optimal string alignment): a swapped pair of letters
 * (`plna`) is one slip, as a dropped or an extra letter (`--jsn`) is.
 */

/** The edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      const swapped = i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1];
      if (swapped) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The candidates near `word` (case aside), nearest first: a third of its letters wrong at most, one at least. */
export function nearest(word: string, candidates: Iterable<string>, limit = 3): string[] {
  const typed = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(typed.length / 3));
  const near: Array<{ name: string; distance: number }> = [];
  for (const name of new Set(candidates)) {
    // Lengths apart by more than the allowance cannot be near: skip the table (a hub has thousands of repos).
    if (Math.abs(name.length - typed.length) > allowed) continue;
    const distance = editDistance(typed, name.toLowerCase());
    if (distance <= allowed) near.push({ name, distance });
  }
  near.sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name));
  return near.slice(0, limit).map((entry) => entry.name);
}

/** `: did you mean plan?`, `: did you mean a/b or c/d?`, or nothing when no name is near. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  return `: did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`}?`;
}
