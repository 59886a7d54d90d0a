/**
 * Matern-5/2 kernel with one lengthscale per dimension (Rasmussen and Williams,
 * Gaussian Processes for Machine Learning, 2006, eq. 4.17):
 * k(r) = s2 (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r), r^2 = sum_p (x_p - x'_p)^2 / l_p^2.
 */

const SQRT5 = Math.sqrt(5);

/** k(r) / s2. */
export function matern52(r: number): number {
  const a = SQRT5 * r;
  return (1 + a + (a * a) / 3) * Math.exp(-a);
}

/**
 * -(dk/dr) / (s2 r) = (5/3)(1 + sqrt5 r) exp(-sqrt5 r): finite at r = 0, so that
 * dk/dl_p = s2 q(r) d_p^2 / l_p^3 and dk/dx_p = -s2 q(r) d_p / l_p^2.
 */
export function matern52Slope(r: number): number {
  const a = SQRT5 * r;
  return (5 / 3) * (1 + a) * Math.exp(-a);
}

/** Scaled distance between rows i of A and j of B (both row-major with D columns). */
export function scaledDistance(
  A: Float64Array,
  i: number,
  B: Float64Array,
  j: number,
  inverseLengthscales: Float64Array,
): number {
  const D = inverseLengthscales.length;
  let s = 0;
  for (let p = 0; p < D; p++) {
    const d =
      ((A[i * D + p] as number) - (B[j * D + p] as number)) * (inverseLengthscales[p] as number);
    s += d * d;
  }
  return Math.sqrt(s);
}
