import { createRandom } from './random.ts';

/**
 * A scrambled Sobol sequence (Sobol', 1967; Bratley and Fox, 1988, Algorithm 659).
 *
 * Direction numbers: dimension 0 is van der Corput; each further dimension uses
 * the next primitive polynomial over GF(2) (found here by testing the order of x)
 * with odd initial numbers m_k < 2^k from a fixed stream, which is a valid Sobol
 * construction for any dimension. The randomization is Matousek's linear matrix
 * scramble plus a digital shift ("On the L2-discrepancy for anchored boxes", 1998),
 * which keeps the net property and makes the points uniform on average.
 */
const BITS = 32;

export class Sobol {
  private readonly directions: Uint32Array[];
  private readonly shift: Uint32Array;
  private readonly state: Uint32Array;
  private index = 0;

  constructor(
    readonly dim: number,
    seed: number,
  ) {
    const random = createRandom(seed);
    const raw = directionNumbers(dim);
    this.directions = raw.map((v) => scramble(v, random));
    this.shift = Uint32Array.from({ length: dim }, () => Math.floor(random() * 4294967296) >>> 0);
    this.state = new Uint32Array(dim);
  }

  /** Skips to point number n (0-based) of the sequence. */
  seek(n: number): void {
    this.index = n;
    const gray = n ^ Math.floor(n / 2);
    for (let j = 0; j < this.dim; j++) {
      let x = 0;
      const v = this.directions[j] as Uint32Array;
      for (let k = 0; k < BITS && gray >>> k !== 0; k++) if ((gray >>> k) & 1) x ^= v[k] as number;
      this.state[j] = x >>> 0;
    }
  }

  /** The next point, in [0, 1)^dim. */
  next(): Float64Array {
    const point = new Float64Array(this.dim);
    for (let j = 0; j < this.dim; j++) {
      point[j] = (((this.state[j] as number) ^ (this.shift[j] as number)) >>> 0) / 4294967296;
    }
    // Gray-code step: flip the direction number of the lowest zero bit of the index.
    const c = lowestZeroBit(this.index);
    for (let j = 0; j < this.dim; j++) {
      const v = this.directions[j] as Uint32Array;
      this.state[j] = ((this.state[j] as number) ^ (v[c] as number)) >>> 0;
    }
    this.index++;
    return point;
  }
}

function lowestZeroBit(n: number): number {
  let c = 0;
  while (c < BITS - 1 && Math.floor(n / 2 ** c) % 2 === 1) c++;
  return c;
}

/** Left-multiplies every direction number by a random unit lower-triangular bit matrix. */
function scramble(v: Uint32Array, random: () => number): Uint32Array {
  // Row i (bit 31 - i of the output) sees input bit 31 - i and random more significant bits.
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const own = (1 << (BITS - 1 - i)) >>> 0;
    const above = i === 0 ? 0 : ((0xffffffff << (BITS - i)) >>> 0) & randomWord(random);
    rows[i] = (own | above) >>> 0;
  }
  return v.map((word) => {
    let out = 0;
    for (let i = 0; i < BITS; i++) {
      if (parity(word & (rows[i] as number))) out |= 1 << (BITS - 1 - i);
    }
    return out >>> 0;
  });
}

function randomWord(random: () => number): number {
  return Math.floor(random() * 4294967296) >>> 0;
}

function parity(x: number): number {
  let y = x >>> 0;
  y ^= y >>> 16;
  y ^= y >>> 8;
  y ^= y >>> 4;
  y ^= y >>> 2;
  y ^= y >>> 1;
  return y & 1;
}

const cache: Uint32Array[] = [];

function directionNumbers(dim: number): Uint32Array[] {
  if (cache.length >= dim) return cache.slice(0, dim);
  const polynomials = primitivePolynomials(dim - 1);
  const random = createRandom(0x50b01 + cache.length);
  for (let j = cache.length; j < dim; j++) {
    cache.push(j === 0 ? vanDerCorput() : bestOf(polynomials[j - 1] as number, random));
  }
  return cache.slice(0, dim);
}

/**
 * Of a few random choices of initial numbers, the one whose two-dimensional
 * projections with the earlier dimensions leave the fewest elementary boxes empty
 * (the criterion Joe and Kuo optimize, "Constructing Sobol sequences with better
 * two-dimensional projections", 2008, here on the first 64 points only).
 */
function bestOf(poly: number, random: () => number): Uint32Array {
  let best = fromPolynomial(poly, random);
  let bestScore = projectionDefect(best);
  for (let trial = 1; trial < CANDIDATES && bestScore > 0; trial++) {
    const v = fromPolynomial(poly, random);
    const score = projectionDefect(v);
    if (score < bestScore) {
      best = v;
      bestScore = score;
    }
  }
  return best;
}

const CANDIDATES = 32;
const DEFECT_POINTS_LOG2 = 6;

function projectionDefect(v: Uint32Array): number {
  const xs = firstPoints(v);
  let empty = 0;
  for (const u of cache) {
    const ys = firstPoints(u);
    for (let m = 2; m <= DEFECT_POINTS_LOG2; m++) {
      for (let a = 1; a < m; a++) empty += emptyBoxes(xs, ys, m, a) * 4 ** (DEFECT_POINTS_LOG2 - m);
    }
  }
  return empty;
}

function firstPoints(v: Uint32Array): Uint32Array {
  const n = 1 << DEFECT_POINTS_LOG2;
  const out = new Uint32Array(n);
  let x = 0;
  for (let i = 1; i < n; i++) {
    x = (x ^ (v[lowestZeroBit(i - 1)] as number)) >>> 0;
    out[i] = x;
  }
  return out;
}

/** Empty boxes of size 2^-a by 2^-(m-a) among the first 2^m points. */
function emptyBoxes(xs: Uint32Array, ys: Uint32Array, m: number, a: number): number {
  const seen = new Uint8Array(1 << m);
  for (let i = 0; i < 1 << m; i++) {
    const box =
      ((xs[i] as number) >>> (BITS - a)) * (1 << (m - a)) + ((ys[i] as number) >>> (BITS - m + a));
    seen[box] = 1;
  }
  let empty = 0;
  for (const s of seen) empty += 1 - s;
  return empty;
}

function vanDerCorput(): Uint32Array {
  return Uint32Array.from({ length: BITS }, (_, k) => (1 << (BITS - 1 - k)) >>> 0);
}

/** Direction numbers from a primitive polynomial of degree s (bit s set, bit 0 set). */
function fromPolynomial(poly: number, random: () => number): Uint32Array {
  const s = 31 - Math.clz32(poly);
  // BigInt: the m_k reach 32 bits, past what JavaScript's bitwise operators keep.
  const m: bigint[] = [];
  for (let k = 0; k < s && k < BITS; k++) {
    // Odd, below 2^(k+1).
    m.push(BigInt(Math.floor(random() * 2 ** k) * 2 + 1));
  }
  for (let k = s; k < BITS; k++) {
    // m_k = m_{k-s} xor 2^s m_{k-s} xor sum_i a_i 2^i m_{k-i} (Bratley and Fox, eq. 2).
    const base = m[k - s] as bigint;
    let value = base ^ (base << BigInt(s));
    for (let i = 1; i < s; i++) {
      if ((poly >>> (s - i)) & 1) value ^= (m[k - i] as bigint) << BigInt(i);
    }
    m.push(value);
  }
  return Uint32Array.from(m, (mk, k) => Number((mk << BigInt(BITS - 1 - k)) & 0xffffffffn));
}

/** The first `count` primitive polynomials over GF(2) of degree >= 1, by degree then value. */
export function primitivePolynomials(count: number): number[] {
  const found: number[] = [];
  for (let s = 1; found.length < count && s < 20; s++) {
    for (let p = (1 << s) | 1; p < 1 << (s + 1) && found.length < count; p += 2) {
      if (isPrimitive(p, s)) found.push(p);
    }
  }
  return found;
}

function isPrimitive(p: number, s: number): boolean {
  const order = 2 ** s - 1;
  if (powerOfX(order, p, s) !== 1) return false;
  for (const q of primeFactors(order)) if (powerOfX(order / q, p, s) === 1) return false;
  return true;
}

/** x^e mod p over GF(2). */
function powerOfX(e: number, p: number, s: number): number {
  let result = 1;
  let base = s === 1 ? 2 ^ p : 2;
  let k = e;
  while (k > 0) {
    if (k % 2 === 1) result = mulMod(result, base, p, s);
    base = mulMod(base, base, p, s);
    k = Math.floor(k / 2);
  }
  return result;
}

function mulMod(a: number, b: number, p: number, s: number): number {
  let result = 0;
  let x = a;
  for (let y = b; y > 0; y >>>= 1) {
    if (y & 1) result ^= x;
    x <<= 1;
    if (x & (1 << s)) x ^= p;
  }
  return result;
}

function primeFactors(n: number): number[] {
  const factors: number[] = [];
  let m = n;
  for (let f = 2; f * f <= m; f++) {
    if (m % f === 0) factors.push(f);
    while (m % f === 0) m /= f;
  }
  if (m > 1) factors.push(m);
  return factors;
}
