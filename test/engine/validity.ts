import { expect } from 'vitest';

import type { Assignments, Parameter } from '../../src/engine/types.ts';

/** Asserts that an assignment is admissible for the parameters. */
export function expectValid(parameters: Parameter[], a: Assignments): void {
  expect(Object.keys(a).sort()).toEqual(parameters.map((p) => p.name).sort());
  for (const p of parameters) {
    const value = a[p.name];
    if (p.type === 'categorical') {
      expect(p.categories).toContain(value);
      continue;
    }
    expect(typeof value).toBe('number');
    const x = value as number;
    expect(Number.isFinite(x)).toBe(true);
    expect(x).toBeGreaterThanOrEqual(p.min);
    expect(x).toBeLessThanOrEqual(p.max);
    if (p.grid !== null) expect(p.grid).toContain(x);
    if (p.type === 'int') expect(Number.isInteger(x)).toBe(true);
  }
}
