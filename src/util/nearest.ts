/**
 * The valid name a user most likely meant: `"ReLU"` -> `relu`, `"cross-entropy"` -> `cross_entropy`,
 * `"activations"` -> `activation`. Case, `-`, `_` and spaces are ignored first; then the closest by
 * edit distance, if it is close enough that the suggestion is more help than noise.
 */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, "");
  const w = norm(word);
  const same = candidates.find((c) => norm(c) === w);
  if (same !== undefined) return same;
  if (w.length < 2) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, norm(c));
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  // A third of the word's length (at least 1, at most 3): "relo" -> relu, but "foo" suggests nothing.
  const allowed = Math.min(3, Math.max(1, Math.floor(w.length / 3)));
  if (best !== undefined && bestD <= allowed) return best;
  // A prefix of a valid name ("sig" -> sigmoid), or a valid name inside it ("leakyrelu2").
  return candidates.find((c) => w.length >= 3 && (norm(c).startsWith(w) || w.startsWith(norm(c)) && norm(c).length >= 3));
}

/** `; did you mean "relu"?`, or nothing when no candidate is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const n = nearestName(word, candidates);
  return n === undefined || n === word ? "" : `; did you mean "${n}"?`;
}

/** Edits (insert, delete, substitute, swap two neighbours: "nosie" is one from "noise"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
