import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';

import {
  cholesky,
  choleskyAppend,
  choleskyOrNull,
  cholInverse,
  cholSolve,
  logDeterminant,
} from '../../src/engine/linalg.ts';
import { createRandom } from '../../src/engine/random.ts';

/** A random symmetric positive-definite matrix B B^T + n I. */
function spd(n: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const B = Array.from({ length: n * n }, () => random() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += (B[i * n + k] as number) * (B[j * n + k] as number);
      A[i * n + j] = s;
    }
  }
  return A;
}

function toMatrix(A: Float64Array, n: number): Matrix {
  return new Matrix(Array.from({ length: n }, (_, i) => Array.from(A.subarray(i * n, i * n + n))));
}

describe('cholesky', () => {
  it('agrees with ml-matrix on a random positive-definite matrix', () => {
    const n = 30;
    const A = spd(n, 3);
    const ours = choleskyOrNull(A, n);
    const reference = new CholeskyDecomposition(toMatrix(A, n));
    expect(reference.isPositiveDefinite()).toBe(true);
    expect(ours).not.toBeNull();
    const L = reference.lowerTriangularMatrix;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        expect(ours?.[i * n + j]).toBeCloseTo(L.get(i, j), 10);
      }
    }
  });

  it('reconstructs A as L L^T', () => {
    const n = 12;
    const A = spd(n, 4);
    const L = choleskyOrNull(A, n) as Float64Array;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (L[i * n + k] as number) * (L[j * n + k] as number);
        expect(s).toBeCloseTo(A[i * n + j] as number, 10);
      }
    }
  });

  it('adds increasing jitter to a singular matrix until it factorizes', () => {
    // Rank one: every row equal, as two GP inputs at one point with no noise give.
    const n = 4;
    const A = new Float64Array(n * n).fill(1);
    expect(choleskyOrNull(A, n)).toBeNull();
    expect(new CholeskyDecomposition(toMatrix(A, n)).isPositiveDefinite()).toBe(false);
    const result = cholesky(A, n);
    expect(result).not.toBeNull();
    expect(result?.jitter).toBeGreaterThan(0);
    expect(result?.jitter).toBeLessThanOrEqual(0.1);
    expect(Array.from(result?.L ?? []).every(Number.isFinite)).toBe(true);
  });

  it('gives up (null) on a matrix far from positive definite', () => {
    const A = Float64Array.from([1, 0, 0, -5]);
    expect(cholesky(A, 2)).toBeNull();
  });

  it('solves, inverts and takes log determinants consistently with ml-matrix', () => {
    const n = 20;
    const A = spd(n, 5);
    const L = choleskyOrNull(A, n) as Float64Array;
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const x = cholSolve(L, n, b);
    const reference = new CholeskyDecomposition(toMatrix(A, n)).solve(
      Matrix.columnVector(Array.from(b)),
    );
    for (let i = 0; i < n; i++) expect(x[i]).toBeCloseTo(reference.get(i, 0), 10);

    const inverse = cholInverse(L, n);
    const expected = toMatrix(A, n).mmul(toMatrix(inverse, n));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) expect(expected.get(i, j)).toBeCloseTo(i === j ? 1 : 0, 10);
    }
    const det = new CholeskyDecomposition(toMatrix(A, n)).lowerTriangularMatrix.diag();
    expect(logDeterminant(L, n)).toBeCloseTo(2 * det.reduce((s, d) => s + Math.log(d), 0), 8);
  });

  it('extends a factor by one row as a full factorization would', () => {
    const n = 10;
    const A = spd(n + 1, 6);
    const Asub = new Float64Array(n * n);
    for (let i = 0; i < n; i++) Asub.set(A.subarray(i * (n + 1), i * (n + 1) + n), i * n);
    const b = Float64Array.from({ length: n }, (_, i) => A[i * (n + 1) + n] as number);
    const appended = choleskyAppend(
      choleskyOrNull(Asub, n) as Float64Array,
      n,
      b,
      A[n * (n + 1) + n] as number,
    );
    const full = choleskyOrNull(A, n + 1) as Float64Array;
    for (let i = 0; i < full.length; i++) expect(appended?.[i]).toBeCloseTo(full[i] as number, 10);
  });
});
