import type { RandomSource } from './types.ts';

/**
 * splitmix32 step, used only to spread a seed over the generator's state
 * (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014,
 * with the 32-bit finalizer constants of MurmurHash3).
 */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded uniform source on [0, 1): xoshiro128** (Blackman and Vigna, "Scrambled
 * linear pseudorandom number generators", 2018), seeded through splitmix32 so that
 * nearby seeds give unrelated streams. 53 bits per draw from two outputs.
 */
export function createRandom(seed: number): RandomSource {
  const mixer = { s: Math.trunc(seed) | 0 };
  let a = splitmix32(mixer);
  let b = splitmix32(mixer);
  let c = splitmix32(mixer);
  let d = splitmix32(mixer);
  if ((a | b | c | d) === 0) a = 1;

  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  return () => {
    const high = next() >>> 5;
    const low = next() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Uniform integer in [0, n). */
export function randomInt(random: RandomSource, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

/** A standard normal draw by Box-Muller. */
export function randomNormal(random: RandomSource): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A 32-bit seed drawn from a source, to derive independent generators. */
export function drawSeed(random: RandomSource): number {
  return Math.floor(random() * 4294967296) | 0;
}
