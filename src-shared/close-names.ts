/** Suggestions for a misspelt name: a colormap, a setting. */

/** At most this many suggestions. */
const MAX_SUGGESTIONS = 5;
/** Further than this many edits (or half the name's length, if more) a name is not "close". */
const MIN_CLOSE_DISTANCE = 3;

/**
 * Up to five of `candidates` nearest to `name` by edit distance, ignoring case; ties go to the
 * shorter length difference, then alphabetical order. Names more than max(3, half the length of
 * `name`) edits away are left out, so the list may be empty.
 *
 * ```ts
 * closeNames('colour', ['cmap', 'cbar', 'min', 'max', 'overlay']) // ['cbar', 'cmap']
 * ```
 */
export function closeNames(name: string, candidates: readonly string[]): string[] {
  const wanted = name.toLowerCase();
  const limit = Math.max(MIN_CLOSE_DISTANCE, Math.ceil(name.length / 2));
  return candidates
    .map((candidate) => ({
      candidate,
      distance: editDistance(wanted, candidate.toLowerCase()),
      lengthGap: Math.abs(candidate.length - name.length),
    }))
    .filter((entry) => entry.distance <= limit)
    .sort(
      (a, b) =>
        a.distance - b.distance ||
        a.lengthGap - b.lengthGap ||
        (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0),
    )
    .slice(0, MAX_SUGGESTIONS)
    .map((entry) => entry.candidate);
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, previous[j] + 1, current[j - 1] + 1));
    }
    previous = current;
  }
  return previous[b.length];
}
