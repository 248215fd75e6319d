/**
 * The analysis pool: the same metrics in a worker thread as on the main thread, and a crashed or
 * hung thread costs one check's analysis, not the checks after it. The pool runs the compiled
 * worker (`npx tsc -p .` first), as the daemon does from dist/.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisPool, defaultAnalysisThreads, IN_THREAD, WORKER_FILE, type Analyser } from '../../src/quality/analysis-pool.js';
import { ImageAssessor, type CameraContext } from '../../src/quality/assess.js';
import { openStore } from '../../src/store/db.js';

const BUILT_WORKER = path.resolve('dist/src/quality/analysis-worker.js');
const photo = (name: string) => readFile(path.resolve('test/fixtures/photos', name));
const jpeg = async (name: string, edit: (img: Sharp) => Sharp = (i) => i) =>
  edit(sharp(await photo(name)).resize({ width: 1920, height: 1080, fit: 'cover' })).jpeg({ quality: 85 }).toBuffer();

/** A worker that dies or never answers when told to, and otherwise is the real one. */
const FAULTY = `
import run from ${JSON.stringify(pathToFileURL(BUILT_WORKER).href)};
export default async function (task) {
  if (task.place?.lat === 91) process.exit(3);
  if (task.place?.lat === 92) for (;;);
  return run(task);
}
`;

async function baselineStore() {
  const { db } = await openStore(':memory:');
  db.raw.pragma('foreign_keys = OFF');
  return db;
}

let frames: Buffer[];
beforeAll(async () => {
  await readFile(BUILT_WORKER).catch(() => { throw new Error(`${BUILT_WORKER} is missing: run npx tsc -p . first`); });
  frames = await Promise.all([
    jpeg('chelsea.jpg'),
    jpeg('chelsea.jpg', (i) => i.blur(4)),
    jpeg('coffee.jpg'),
    jpeg('rocket.jpg', (i) => i.linear(0.3, 0)),
    jpeg('rocket.jpg', (i) => i.greyscale()),
  ]);
});

/** A day of checks of two cameras (one with a place, so the sun decides): stream and snapshot frames, full checks with their pair, learning between them. */
async function checks(analyser: Analyser) {
  const assessor = new ImageAssessor(await baselineStore(), 'en', analyser);
  const cameras: CameraContext[] = [{ id: 'a', tags: [] }, { id: 'b', tags: ['ir'], lat: 21.03, lon: 105.85 }];
  // References for both modes of the camera with a place: which one a frame is measured against follows the sun.
  await assessor.pinReference(cameras[0]!, frames[2]!, Date.UTC(2026, 11, 3, 5));
  await assessor.pinReference(cameras[1]!, frames[0]!, Date.UTC(2026, 11, 3, 5));
  await assessor.pinReference(cameras[1]!, frames[4]!, Date.UTC(2026, 11, 3, 15));
  const out = [];
  for (let i = 0; i < 24; i++) {
    const at = Date.UTC(2026, 11, 4, i, 7);
    for (const camera of cameras) {
      const frame = frames[(i + (camera.id === 'b' ? 2 : 0)) % frames.length]!;
      const full = i % 5 === 4;
      out.push(await assessor.assess(camera, frame, at, full ? 'rtsp' : 'snapshot', full ? [frames[i % frames.length]!, frame] : undefined));
    }
  }
  return out;
}

describe('the analysis pool', () => {
  let pool: Analyser;
  beforeAll(() => void (pool = analysisPool({ threads: 2, workerFile: BUILT_WORKER })));
  afterAll(() => pool.close());

  it('gives every check the same metrics, findings and verdict as the main thread', async () => {
    expect(pool).not.toBe(IN_THREAD);
    const [pooled, inThread] = [await checks(pool), await checks(IN_THREAD)];
    expect(pooled).toHaveLength(48);
    expect(pooled).toStrictEqual(inThread);
    // The series is worth comparing: it saw faults, changes against a previous frame and a reference.
    expect(inThread.some((a) => a.ok === false)).toBe(true);
    expect(inThread.filter((a) => a.metrics.change !== null).length).toBeGreaterThan(40);
    expect(inThread.filter((a) => a.metrics.viewSimilarity !== null)).toHaveLength(48);
    expect(new Set(inThread.map((a) => a.night))).toEqual(new Set([true, false]));
    expect(inThread.some((a) => a.kinds.includes('moved'))).toBe(true);
  });

  it('moves the luma planes back from the thread', async () => {
    const result = await pool.analyse({ jpeg: frames[0]!, references: {} });
    expect(result.luma.data.byteLength).toBe(result.luma.width * result.luma.height);
    expect(result.luma.data.buffer.byteLength).toBe(result.luma.data.byteLength);
  });

  it('keeps the caller\'s frames (they are copied before they are moved)', async () => {
    const previous = (await pool.analyse({ jpeg: frames[0]!, references: {} })).luma;
    await pool.analyse({ jpeg: frames[1]!, previous, references: {} });
    expect(frames[1]!.byteLength).toBeGreaterThan(0);
    expect(previous.data.byteLength).toBe(previous.width * previous.height);
  });
});

describe('a worker thread that crashes or hangs', () => {
  let pool: Analyser;
  beforeAll(async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'camwatch-pool-')), 'faulty.mjs');
    await writeFile(file, FAULTY);
    pool = analysisPool({ threads: 1, workerFile: file, timeoutMs: 1500 });
  });
  afterAll(() => pool.close());
  const camera = (lat: number): CameraContext => ({ id: 'c', tags: [], lat, lon: 105 });

  it('fails that check\'s analysis as an undecodable frame does, and the next check is analysed', async () => {
    const assessor = new ImageAssessor(await baselineStore(), 'en', pool);
    const undecodable = await new ImageAssessor(await baselineStore(), 'en').assess(camera(10), Buffer.from('not a jpeg'), 0).catch((e: unknown) => e);
    expect(undecodable).toBeInstanceOf(Error);
    await expect(assessor.assess(camera(91), frames[0]!, 0)).rejects.toBeInstanceOf(Error);
    expect((await assessor.assess(camera(10), frames[0]!, 60_000)).metrics.width).toBe(640);
    await expect(assessor.assess(camera(92), frames[0]!, 120_000)).rejects.toThrow(/longer than 1500 ms/);
    expect((await assessor.assess(camera(10), frames[0]!, 180_000)).metrics.width).toBe(640);
  }, 20_000);
});

describe('where the analysis runs', () => {
  it('on the main thread with 0 threads, or when the compiled worker is missing (told once)', () => {
    expect(analysisPool({ threads: 0 })).toBe(IN_THREAD);
    const told: string[] = [];
    expect(analysisPool({ threads: 2, workerFile: '/nowhere/analysis-worker.js', onFallback: (file) => told.push(file) })).toBe(IN_THREAD);
    expect(told).toEqual(['/nowhere/analysis-worker.js']);
  });

  it('by default on the cores less the event loop\'s, at least one', () => {
    expect(defaultAnalysisThreads(8)).toBe(7);
    expect(defaultAnalysisThreads(1)).toBe(1);
    expect(path.basename(WORKER_FILE)).toBe('analysis-worker.js');
  });
});
