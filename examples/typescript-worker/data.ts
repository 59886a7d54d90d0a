// Two interleaved spirals: a small data set that a linear model cannot separate and a
// one-hidden-layer network can, made from a seed so that every run sees the same points.

export interface Dataset {
  /** One row of features per example. */
  inputs: Float64Array[];
  /** 0 or 1. */
  labels: Uint8Array;
}

export interface Split {
  train: Dataset;
  validation: Dataset;
}

/** A small, fast, seeded generator (mulberry32): uniform numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw by the Box-Muller transform. */
function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * `size` points on two spirals of `turns` turns each, the second the first turned by
 * half a circle, with Gaussian noise of `noise` (the radius is at most 1).
 */
export function spirals(size: number, options: { turns?: number; noise?: number; seed?: number }) {
  const { turns = 1.25, noise = 0.04, seed = 7 } = options;
  const random = seededRandom(seed);
  const inputs: Float64Array[] = [];
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const label = i % 2;
    const radius = 0.1 + 0.9 * random();
    const angle = radius * turns * 2 * Math.PI + label * Math.PI;
    const x = radius * Math.cos(angle) + noise * normal(random);
    const y = radius * Math.sin(angle) + noise * normal(random);
    inputs.push(Float64Array.of(x, y));
    labels[i] = label;
  }
  return { inputs, labels };
}

/** The first `trainShare` of the examples for training, the rest for validation. */
export function split(data: Dataset, trainShare = 0.7): Split {
  const cut = Math.round(data.inputs.length * trainShare);
  return {
    train: { inputs: data.inputs.slice(0, cut), labels: data.labels.slice(0, cut) },
    validation: { inputs: data.inputs.slice(cut), labels: data.labels.slice(cut) },
  };
}
