import { describe, expect, it } from 'vitest';

import { bestSoFar, optimizedMetric, sparkline } from '../../src/cli/best-so-far.ts';
import type { WireMetric, WireObservation } from '../../src/cli/wire.ts';

const accuracy: WireMetric = {
  name: 'accuracy',
  objective: 'maximize',
  strategy: 'optimize',
  threshold: null,
};

let nextId = 1;
function observation(values: Record<string, number>, failed = false): WireObservation {
  return {
    id: String(nextId++),
    suggestion: null,
    assignments: { x: 1 },
    values: Object.entries(values).map(([name, value]) => ({ name, value, value_stddev: null })),
    failed,
    metadata: null,
    created: 0,
  };
}

describe('the best-so-far curve', () => {
  it('keeps the best value after each observation, in the order of creation', () => {
    const observations = [0.5, 0.4, 0.7, 0.6, 0.9].map((value) => observation({ accuracy: value }));

    expect(bestSoFar([...observations].reverse(), [accuracy])).toEqual([0.5, 0.5, 0.7, 0.7, 0.9]);
  });

  it('orders ids as numbers, not as text', () => {
    const ten = { ...observation({ accuracy: 0.1 }), id: '10' };
    const nine = { ...observation({ accuracy: 0.9 }), id: '9' };

    expect(bestSoFar([ten, nine], [accuracy])).toEqual([0.9, 0.9]);
  });

  it('goes down for a metric to minimize', () => {
    const loss: WireMetric = { ...accuracy, name: 'loss', objective: 'minimize' };
    const observations = [3, 4, 1, 2].map((value) => observation({ loss: value }));

    expect(bestSoFar(observations, [loss])).toEqual([3, 3, 1, 1]);
  });

  it('starts at the first feasible observation and skips failed ones and missed thresholds', () => {
    const latency: WireMetric = {
      name: 'latency',
      objective: 'minimize',
      strategy: 'constraint',
      threshold: 10,
    };
    const observations = [
      observation({}, true),
      observation({ accuracy: 0.99, latency: 20 }),
      observation({ accuracy: 0.5, latency: 5 }),
      observation({}, true),
      observation({ accuracy: 0.95, latency: 30 }),
      observation({ accuracy: 0.6, latency: 10 }),
    ];

    expect(bestSoFar(observations, [accuracy, latency])).toEqual([0.5, 0.5, 0.5, 0.6]);
  });

  it('is empty with two optimized metrics, which have a front and no single best', () => {
    const both = [accuracy, { ...accuracy, name: 'speed' }];

    expect(optimizedMetric(both)).toBeNull();
    expect(bestSoFar([observation({ accuracy: 1, speed: 1 })], both)).toEqual([]);
  });
});

describe('the sparkline', () => {
  it('draws the lowest value lowest and the highest highest', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([7, 0], 8)).toBe('█▁');
  });

  it('samples a long series at the end of each stretch, keeping the last value', () => {
    const curve = Array.from({ length: 100 }, (_, index) => index);

    const line = sparkline(curve, 10);

    expect(line).toHaveLength(10);
    expect(line.startsWith('▁')).toBe(true);
    expect(line.endsWith('█')).toBe(true);
  });

  it('draws a flat series flat, and nothing for no values or no width', () => {
    expect(sparkline([0.5, 0.5, 0.5], 10)).toBe('▁▁▁');
    expect(sparkline([], 10)).toBe('');
    expect(sparkline([1, 2], 0)).toBe('');
  });

  it('copes with values as far apart as doubles go', () => {
    expect(sparkline([-Number.MAX_VALUE, 0, Number.MAX_VALUE], 3)).toBe('▁▅█');
  });
});
