import { describe, expect, it } from 'vitest';
import { histogramPercentile } from '../../bench/province.js';

describe('the province bench, reading the schedule lag histogram', () => {
  // cumulative counts by upper bound (s), as /metrics gives them, at two scrapes
  const before = new Map([[1, 10], [5, 10], [15, 10], [Infinity, 10]]);
  const after = new Map([[1, 10], [5, 60], [15, 110], [Infinity, 110]]);

  it('takes the percentiles of the lags observed between two scrapes, interpolated within their bucket', () => {
    // 100 lags since the first scrape: 50 in (1, 5], 50 in (5, 15]
    expect(histogramPercentile(before, after, 50)).toBe(5);
    expect(histogramPercentile(before, after, 25)).toBe(3);
    expect(histogramPercentile(before, after, 99)).toBeCloseTo(14.8);
  });

  it('says the lower bound of the open bucket for lags past the last bound, and nothing when nothing started', () => {
    const late = new Map([[1, 0], [5, 0], [15, 1], [Infinity, 100]]);
    expect(histogramPercentile(new Map(), late, 50)).toBe(15);
    expect(histogramPercentile(after, after, 50)).toBeUndefined();
  });
});
