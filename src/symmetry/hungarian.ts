/**
 * Linear assignment by the Hungarian method (shortest augmenting paths with row/column potentials,
 * O(n³)): the permutation that maximises Σ_i score[i][perm[i]]. Alignment runs it once per unit
 * group, on a correlation or weight-similarity matrix.
 */

/**
 * `score` is n×n row-major. Returns perm with perm[i] = the column assigned to row i, so that
 * Σ_i score[i·n + perm[i]] is maximal. Among optima the result depends only on the matrix.
 */
export function maximizeAssignment(score: ArrayLike<number>, n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`maximizeAssignment: n must be a non-negative integer, got ${n}`);
  if (score.length !== n * n) throw new Error(`maximizeAssignment: score has ${score.length} entries, expected ${n}×${n}`);
  for (let k = 0; k < score.length; k++) {
    if (!Number.isFinite(score[k]!)) throw new Error(`maximizeAssignment: score entry ${k} is ${score[k]}`);
  }
  if (n === 0) return [];
  // Minimise cost = −score. Rows and columns are 1-based below; index 0 is the virtual start column.
  const INF = Number.POSITIVE_INFINITY;
  const u = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rowOfCol = new Int32Array(n + 1); // 0 = free
  const way = new Int32Array(n + 1);
  const minv = new Float64Array(n + 1);
  const used = new Uint8Array(n + 1);
  for (let i = 1; i <= n; i++) {
    rowOfCol[0] = i;
    let j0 = 0;
    minv.fill(INF);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = rowOfCol[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= n; j++) {
        if (used[j]) continue;
        const cur = -score[(i0 - 1) * n + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= n; j++) {
        if (used[j]) {
          u[rowOfCol[j]!] += delta;
          v[j] -= delta;
        } else minv[j] -= delta;
      }
      j0 = j1;
    } while (rowOfCol[j0] !== 0);
    do {
      const j1 = way[j0]!;
      rowOfCol[j0] = rowOfCol[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const perm = new Array<number>(n);
  for (let j = 1; j <= n; j++) perm[rowOfCol[j]! - 1] = j - 1;
  return perm;
}

/** Σ_i score[i][perm[i]]. */
export function assignmentScore(score: ArrayLike<number>, n: number, perm: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += score[i * n + perm[i]!]!;
  return s;
}
