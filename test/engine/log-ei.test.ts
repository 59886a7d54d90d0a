import { describe, expect, it } from 'vitest';

import { erfcx, logExpectedImprovement, logH } from '../../src/engine/log-ei.ts';

/**
 * log h(z) and d log h / dz = Phi(z) / h(z), h(z) = phi(z) + z Phi(z), computed
 * independently of the code under test with mpmath 1.3 at 50 significant digits:
 * mp.log(mp.npdf(z) + z * mp.ncdf(z)) and mp.ncdf(z) / h(z).
 */
// Written as strings so that every digit mpmath gave stays in the source.
const REFERENCE: [number, number, number][] = (
  [
    ['-1e8', '-5000000000000037.8', '100000000.00000002'],
    ['-1e4', '-50000019.339619307', '10000.000199999994'],
    ['-300', '-45012.326536814554', '300.00666644446173'],
    ['-100', '-5010.1295788002498', '100.01999400419587'],
    ['-40', '-808.29856835661996', '40.049906657648518'],
    ['-10', '-55.553122036122356', '10.194383033412553'],
    ['-5', '-16.74430116266099', '5.3618162412880885'],
    ['-2', '-4.7687835239171142', '2.679416883955586'],
    ['-1', '-2.4851210257126413', '1.9042712333296918'],
    ['-0.5', '-1.6205162643873199', '1.5598731483480797'],
    ['0', '-0.91893853320467274', '1.2533141373155003'],
    ['0.5', '-0.35982768374506382', '0.99092271800410996'],
    ['1', '0.08002621884930694', '0.77663872520173926'],
    ['3', '1.0987396653277078', '0.33284096845179524'],
    ['10', '2.3025850929940457', '0.1'],
  ] as [string, string, string][]
).map((row) => [Number(row[0]), Number(row[1]), Number(row[2])]);

/** exp(x^2) erfc(x), also from mpmath at 50 digits. */
const ERFCX: [number, number][] = (
  [
    ['0.5', '0.61569034419292587'],
    ['1', '0.427583576155807'],
    ['2', '0.25539567631050574'],
    ['5', '0.11070463773306863'],
    ['30', '0.018795888861416751'],
    ['1e6', '5.6418958354747419e-7'],
  ] as [string, string][]
).map((row) => [Number(row[0]), Number(row[1])]);

function relativeError(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

describe('log h', () => {
  it.each(REFERENCE)('matches the high-precision value at z = %d', (z, value, slope) => {
    const result = logH(z);
    expect(relativeError(result.value, value)).toBeLessThan(1e-13);
    expect(relativeError(result.slope, slope)).toBeLessThan(1e-11);
  });

  it('stays finite and monotone deep in the tail, where EI itself is zero', () => {
    let previous = -Infinity;
    for (let z = -1e6; z <= 5; z = z < -10 ? z / 1.5 : z + 0.25) {
      const { value, slope } = logH(z);
      expect(Number.isFinite(value)).toBe(true);
      expect(slope).toBeGreaterThan(0);
      expect(value).toBeGreaterThan(previous);
      previous = value;
    }
    // Plain EI underflows there: h(-40) is about e^-808, below the smallest double.
    expect(Math.exp(logH(-40).value)).toBe(0);
    expect(logH(-40).value).toBeCloseTo(Number('-808.29856835661996'), 10);
  });

  it('is continuous across its branch points', () => {
    for (const z of [-1, -100]) {
      const step = 1e-7 * Math.abs(z);
      const jump = logH(z + step).value - logH(z - step).value - 2 * step * logH(z).slope;
      expect(Math.abs(jump)).toBeLessThan(1e-9 * Math.abs(logH(z).value));
    }
  });
});

describe('erfcx', () => {
  it.each(ERFCX)('matches the high-precision value at x = %d', (x, expected) => {
    expect(relativeError(erfcx(x), expected)).toBeLessThan(1e-13);
  });
});

describe('log expected improvement', () => {
  it('has the derivatives its finite differences give', () => {
    for (const [mu, sigma] of [
      [0.3, 0.5],
      [-3, 0.1],
      [-40, 0.5],
    ] as const) {
      const best = 0.2;
      const h = 1e-6;
      const at = logExpectedImprovement(mu, sigma, best);
      const dMu =
        (logExpectedImprovement(mu + h, sigma, best).value -
          logExpectedImprovement(mu - h, sigma, best).value) /
        (2 * h);
      const dSigma =
        (logExpectedImprovement(mu, sigma + h, best).value -
          logExpectedImprovement(mu, sigma - h, best).value) /
        (2 * h);
      expect(at.dMu).toBeCloseTo(dMu, 4);
      expect(at.dSigma).toBeCloseTo(dSigma, 3);
    }
  });

  it('equals log(sigma h(z)) for a moderate z', () => {
    // z = (0.8 - 0.3) / 0.5 = 1: EI = 0.5 * exp(0.08002621884930694).
    expect(logExpectedImprovement(0.8, 0.5, 0.3).value).toBeCloseTo(
      Math.log(0.5) + Number('0.08002621884930694'),
      13,
    );
  });
});
