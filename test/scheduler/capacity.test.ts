import { describe, expect, it } from 'vitest';
import { ASSUMED_DURATIONS, scheduleCapacity } from '../../src/scheduler/capacity.js';

const intervals = { imageMs: 60_000, streamMs: 300_000, deviceMs: 86_400_000 };

describe('schedule capacity', () => {
  it('names per_host_concurrency, and the value it needs, for 1,000 cameras behind one router', () => {
    const v = scheduleCapacity({ hosts: Array(1000).fill('10.0.0.1'), intervals, concurrency: 16, perHostConcurrency: 2, durations: ASSUMED_DURATIONS });
    // Per camera: 4/5 image checks of 1 s and 1/5 stream checks of 4 s a minute = 1.6 s of slot time a minute.
    expect(v.perCamera).toBeCloseTo(1.6 / 60 + 1.5 / 86_400, 5);
    expect(v.raise).toEqual([
      { setting: 'per_host_concurrency', to: 34 },
      { setting: 'concurrency', to: 34 },
    ]);
    expect(v.busiestHost).toMatchObject({ host: '10.0.0.1', cameras: 1000 });
  });

  it('is satisfied by the defaults for cameras on their own addresses', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const v = scheduleCapacity({ hosts, intervals, concurrency: 16, perHostConcurrency: 2, durations: ASSUMED_DURATIONS });
    expect(v.raise).toEqual([]);
    expect(v.slotsNeeded).toBe(7);
  });

  it('follows measured durations: slow checks need more slots', () => {
    const hosts = Array.from({ length: 200 }, (_, i) => `h${i}`);
    const v = scheduleCapacity({ hosts, intervals, concurrency: 16, perHostConcurrency: 2, durations: { image: 4000, stream: 12_000, device: 3000 } });
    expect(v.raise).toEqual([{ setting: 'concurrency', to: 24 }]);
  });
});
