/**
 * Dense symmetric positive-definite algebra on row-major Float64Arrays. ml-matrix
 * gives the same results (a test checks it) but this loop is 2-3 times faster at
 * the sizes a GP fit meets, and the fit factorizes hundreds of times.
 */

export interface Cholesky {
  n: number;
  /** Lower triangle, row-major n x n (upper part left zero). */
  L: Float64Array;
  /** Jitter that was added to the diagonal to make the factorization succeed. */
  jitter: number;
}

/** Cholesky-Banachiewicz in place on a copy; null when a pivot is not positive. */
export function choleskyOrNull(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j] as number;
      for (let k = 0; k < j; k++) s -= (L[ri + k] as number) * (L[rj + k] as number);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / (L[rj + j] as number);
      }
    }
  }
  return L;
}

/**
 * Cholesky with increasing jitter: when A is not numerically positive definite,
 * retries with A + jitter I, jitter growing tenfold from 1e-9 times the mean
 * diagonal (the schedule GPyTorch's psd_safe_cholesky also uses), up to 1e-1 of it.
 */
export function cholesky(A: Float64Array, n: number): Cholesky | null {
  const first = choleskyOrNull(A, n);
  if (first !== null) return { n, L: first, jitter: 0 };

  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += Math.abs(A[i * n + i] as number) / n;
  const scale = meanDiagonal > 0 && Number.isFinite(meanDiagonal) ? meanDiagonal : 1;
  const B = Float64Array.from(A);
  for (let jitter = 1e-9 * scale; jitter <= 0.1 * scale; jitter *= 10) {
    for (let i = 0; i < n; i++) B[i * n + i] = (A[i * n + i] as number) + jitter;
    const L = choleskyOrNull(B, n);
    if (L !== null) return { n, L, jitter };
  }
  return null;
}

/** Solves L x = b in place (forward substitution). */
export function solveLower(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= (L[ri + k] as number) * (b[k] as number);
    b[i] = s / (L[ri + i] as number);
  }
  return b;
}

/** Solves L^T x = b in place (back substitution). */
export function solveUpper(L: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    b[i] = (b[i] as number) / (L[i * n + i] as number);
    const bi = b[i] as number;
    const ri = i * n;
    for (let k = 0; k < i; k++) b[k] = (b[k] as number) - (L[ri + k] as number) * bi;
  }
  return b;
}

/** A^-1 b from the factor. */
export function cholSolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpper(L, n, solveLower(L, n, Float64Array.from(b)));
}

/** log det A = 2 sum log L_ii. */
export function logDeterminant(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i] as number);
  return 2 * s;
}

/** A^-1 from its Cholesky factor, as T = L^-T (row-major) and then A^-1 = T T^T. */
export function cholInverse(L: Float64Array, n: number): Float64Array {
  // Row j of T is column j of L^-1: forward substitution against e_j, contiguous in memory.
  const T = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    for (let i = j; i < n; i++) {
      const ri = i * n;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= (L[ri + k] as number) * (T[rj + k] as number);
      T[rj + i] = s / (L[ri + i] as number);
    }
  }
  // (A^-1)_ij = sum_{k >= max(i, j)} T_ik T_jk.
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += (T[ri + k] as number) * (T[rj + k] as number);
      inverse[ri + j] = s;
      inverse[rj + i] = s;
    }
  }
  return inverse;
}

/**
 * Extends a factor of A (n x n) to one of [[A, b], [b^T, c]] (the new point's
 * covariances b and variance c): O(n^2), for fantasies. Null if not positive definite.
 */
export function choleskyAppend(
  L: Float64Array,
  n: number,
  b: ArrayLike<number>,
  c: number,
): Float64Array | null {
  const l = solveLower(L, n, Float64Array.from(b));
  let d = c;
  for (let k = 0; k < n; k++) d -= (l[k] as number) ** 2;
  if (!(d > 0)) return null;
  const m = n + 1;
  const out = new Float64Array(m * m);
  for (let i = 0; i < n; i++) out.set(L.subarray(i * n, i * n + i + 1), i * m);
  out.set(l, n * m);
  out[n * m + n] = Math.sqrt(d);
  return out;
}
