/**
 * Test fixture: labelled image-quality cases generated in code from a few real photographs kept in
 * test/fixtures/corpus/ (see SOURCES.md there). Each source plays one camera: several clean
 * frames on different days teach its baseline, then graded faults and clean hard cases are
 * judged against that baseline. Everything is deterministic (seeded noise).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { decodeForAnalysis, measure, referenceFor, updateBaseline, type Baseline, type FaultKind } from '../../src/quality/index.js';

export type Severity = 'mild' | 'moderate' | 'severe';

export interface CameraSource {
  /** Corpus id, e.g. "coffee". */
  id: string;
  file: string;
  /** Optional crop (fractions of the photo) making a derived scene, e.g. a low-texture one. */
  crop?: { left: number; top: number; width: number; height: number };
  /** Whether this camera's scene is a night scene (its baseline is the night baseline). */
  night: boolean;
  note: string;
}

export const CORPUS_SOURCES: CameraSource[] = [
  { id: 'coffee', file: 'coffee.jpg', night: false, note: 'indoor, warm colours, wood texture' },
  { id: 'chelsea', file: 'chelsea.jpg', night: false, note: 'close-up with shallow depth of field' },
  { id: 'astronaut', file: 'astronaut.jpg', night: false, note: 'portrait, saturated colours, flag' },
  { id: 'camera', file: 'camera.jpg', night: false, note: 'outdoor greyscale (monochrome camera)' },
  { id: 'rocket', file: 'rocket.jpg', night: true, note: 'real night scene with lights (blue hour)' },
  {
    id: 'bokeh',
    file: 'chelsea.jpg',
    crop: { left: 0.68, top: 0.0, width: 0.32, height: 0.55 },
    night: false,
    note: 'low-texture scene (out-of-focus background)',
  },
];

export type Category = FaultKind | 'clean' | 'lighting_recommendation';

export interface CorpusCase {
  id: string;
  camera: string;
  /** What the case is: a fault kind, or "clean" for a clean hard case. */
  category: Category;
  variant: string;
  severity?: Severity;
  /** Findings (state "fault" or "advice") that must be reported. */
  expected: Array<FaultKind | 'lighting_recommendation'>;
  /** Findings that are acceptable side effects (not counted as false positives). */
  tolerated: FaultKind[];
  /** Finding kinds that must come back as not_checkable. */
  notCheckable?: FaultKind[];
  night: boolean;
  tags: string[];
  hasIr: boolean;
  current: Buffer;
  previous: Buffer;
}

export interface CorpusCamera {
  source: CameraSource;
  /** Clean learning frames, one per day. */
  learning: Array<{ at: Date; jpeg: Buffer }>;
  cases: CorpusCase[];
}

interface Raw {
  data: Float32Array;
  width: number;
  height: number;
}

/** Mulberry32 seeded PRNG. */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gaussian(r: () => number) {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

async function toRaw(img: Sharp): Promise<Raw> {
  const { data, info } = await img.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const out = new Float32Array(info.width * info.height * 3);
  if (info.channels === 1) {
    for (let i = 0; i < info.width * info.height; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i]!;
  } else for (let i = 0; i < out.length; i++) out[i] = data[i]!;
  return { data: out, width: info.width, height: info.height };
}

function rawSharp(r: Raw): Sharp {
  const buf = Buffer.alloc(r.data.length);
  for (let i = 0; i < r.data.length; i++) buf[i] = Math.max(0, Math.min(255, Math.round(r.data[i]!)));
  return sharp(buf, { raw: { width: r.width, height: r.height, channels: 3 } });
}

async function encode(r: Raw, quality = 85): Promise<Buffer> {
  return rawSharp(r).jpeg({ quality }).toBuffer();
}

function map(r: Raw, f: (v: number, c: number, i: number) => number): Raw {
  const out = new Float32Array(r.data.length);
  for (let i = 0; i < r.data.length; i++) out[i] = f(r.data[i]!, i % 3, i);
  return { ...r, data: out };
}

function addNoise(r: Raw, sigma: number, seed: number, chroma = 0.3): Raw {
  const rand = rng(seed);
  const out = new Float32Array(r.data.length);
  for (let p = 0; p < r.width * r.height; p++) {
    const l = gaussian(rand) * sigma;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = r.data[p * 3 + c]! + l + gaussian(rand) * sigma * chroma;
  }
  return { ...r, data: out };
}

/** The camera's view: a central crop (80%) of the scene, optionally shifted or rotated. */
async function view(scene: Sharp, meta: { width: number; height: number }, opts: { dx?: number; dy?: number; rotate?: number } = {}): Promise<Raw> {
  const cw = Math.round(meta.width * 0.8);
  const ch = Math.round(meta.height * 0.8);
  let img = scene.clone();
  let w = meta.width;
  let h = meta.height;
  if (opts.rotate) {
    const buf = await img.rotate(opts.rotate, { background: { r: 40, g: 40, b: 40 } }).raw().toBuffer({ resolveWithObject: true });
    w = buf.info.width;
    h = buf.info.height;
    img = sharp(buf.data, { raw: { width: w, height: h, channels: buf.info.channels as 3 } });
  }
  const left = Math.round((w - cw) / 2 + (opts.dx ?? 0) * meta.width);
  const top = Math.round((h - ch) / 2 + (opts.dy ?? 0) * meta.height);
  return toRaw(img.extract({ left: Math.max(0, Math.min(w - cw, left)), top: Math.max(0, Math.min(h - ch, top)), width: cw, height: ch }));
}

async function convolve(r: Raw, kernel: number[], size: number): Promise<Raw> {
  const sum = kernel.reduce((a, b) => a + b, 0);
  return toRaw(rawSharp(r).convolve({ width: size, height: size, kernel, scale: sum }));
}
function discKernel(radius: number) {
  const size = radius * 2 + 1;
  const k: number[] = [];
  for (let y = -radius; y <= radius; y++) for (let x = -radius; x <= radius; x++) k.push(x * x + y * y <= radius * radius + 0.5 ? 1 : 0);
  return { k, size };
}
function lineKernel(length: number, angleDeg: number) {
  const size = length % 2 ? length : length + 1;
  const c = (size - 1) / 2;
  const k = new Array<number>(size * size).fill(0);
  const a = (angleDeg * Math.PI) / 180;
  for (let t = -c; t <= c; t += 0.25) {
    const x = Math.round(c + t * Math.cos(a));
    const y = Math.round(c + t * Math.sin(a));
    k[y * size + x] = 1;
  }
  return { k, size };
}

/** Smooth, slightly shaded blob over `fraction` of the frame (a hand, a leaf, a bag). */
function occlude(r: Raw, fraction: number, seed: number): Raw {
  const rand = rng(seed);
  const { width: w, height: h } = r;
  const col = [60 + rand() * 40, 50 + rand() * 30, 45 + rand() * 30];
  const out = new Float32Array(r.data);
  // Occluder enters from the bottom-left corner: a soft-edged ellipse sized to the fraction.
  const full = fraction >= 0.99;
  const rx = w * Math.sqrt(fraction) * 1.25;
  const ry = h * Math.sqrt(fraction) * 1.25;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = full ? 0 : Math.sqrt((x / rx) ** 2 + ((h - y) / ry) ** 2);
      const alpha = full ? 1 : Math.max(0, Math.min(1, (1.0 - d) / 0.06 + 0.5));
      if (alpha <= 0) continue;
      const shade = 0.8 + 0.4 * (x / w) * (y / h);
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        out[i] = out[i]! * (1 - alpha) + col[c]! * shade * alpha;
      }
    }
  }
  return { ...r, data: out };
}

function haze(r: Raw, amount: number, level = 205): Raw {
  return map(r, (v) => v * (1 - amount) + level * amount);
}

function rain(r: Raw, seed: number): Raw {
  const rand = rng(seed);
  const out = new Float32Array(r.data);
  const drops = Math.round((r.width * r.height) / 900);
  for (let d = 0; d < drops; d++) {
    const x0 = rand() * r.width;
    const y0 = rand() * r.height;
    const len = 8 + rand() * 14;
    for (let t = 0; t < len; t++) {
      const x = Math.round(x0 + t * 0.25);
      const y = Math.round(y0 + t);
      if (x < 0 || y < 0 || x >= r.width || y >= r.height) continue;
      for (let c = 0; c < 3; c++) {
        const i = (y * r.width + x) * 3 + c;
        out[i] = out[i]! * 0.75 + 220 * 0.25;
      }
    }
  }
  return { ...r, data: out };
}

/** People-like blobs (heads and bodies with shading) in the lower part of the frame. */
function crowd(r: Raw, seed: number, count: number): Raw {
  const rand = rng(seed);
  const out = new Float32Array(r.data);
  const { width: w, height: h } = r;
  for (let p = 0; p < count; p++) {
    const cx = rand() * w;
    const base = h * (0.55 + rand() * 0.45);
    const bh = h * (0.12 + rand() * 0.15);
    const bw = bh * 0.35;
    const col = [rand() * 220, rand() * 220, rand() * 220];
    for (let y = Math.max(0, Math.floor(base - bh)); y < Math.min(h, base); y++) {
      for (let x = Math.max(0, Math.floor(cx - bw)); x < Math.min(w, cx + bw); x++) {
        const head = y < base - bh * 0.8;
        const inside = head ? Math.abs(x - cx) < bw * 0.45 : Math.abs(x - cx) < bw * (0.7 + 0.3 * ((y - (base - bh)) / bh));
        if (!inside) continue;
        const shade = 0.7 + 0.3 * Math.cos(((x - cx) / bw) * 1.5);
        for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = (head ? 150 : col[c]!) * shade;
      }
    }
  }
  return { ...r, data: out };
}

/** Night-like rendering of a day view: darker, bluish, greyscale when IR. */
function nightify(r: Raw, ir: boolean): Raw {
  if (ir) {
    // IR illuminator: greyscale, bright centre falling off to the corners.
    const { width: w, height: h } = r;
    const out = new Float32Array(r.data.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = (y * w + x) * 3;
        const l = 0.299 * r.data[i]! + 0.587 * r.data[i + 1]! + 0.114 * r.data[i + 2]!;
        const fall = 1 - 0.5 * (((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2) / 2;
        out[i] = out[i + 1] = out[i + 2] = l * 0.75 * fall + 8;
      }
    return { ...r, data: out };
  }
  return map(r, (v, c) => 255 * Math.pow(v / 255, 1.8) * [0.35, 0.38, 0.5][c]!);
}

async function severities(): Promise<Severity[]> {
  return ['mild', 'moderate', 'severe'];
}

/**
 * Build the corpus. `sources` may be narrowed (tests use one or two cameras).
 */
export async function buildCorpus(dir: string, sources: CameraSource[] = CORPUS_SOURCES, opts: { learningFrames?: number } = {}): Promise<CorpusCamera[]> {
  const cameras: CorpusCamera[] = [];
  const learningFrames = opts.learningFrames ?? 6;
  for (const [si, source] of sources.entries()) {
    const photo = await readFile(path.join(dir, source.file));
    let scene = sharp(photo).removeAlpha().toColourspace('srgb');
    const m0 = await sharp(photo).metadata();
    let meta = { width: m0.width!, height: m0.height! };
    if (source.crop) {
      const c = source.crop;
      const region = {
        left: Math.round(c.left * meta.width),
        top: Math.round(c.top * meta.height),
        width: Math.round(c.width * meta.width),
        height: Math.round(c.height * meta.height),
      };
      const target = 640;
      const buf = await scene.extract(region).resize({ width: target }).raw().toBuffer({ resolveWithObject: true });
      meta = { width: buf.info.width, height: buf.info.height };
      scene = sharp(buf.data, { raw: { width: meta.width, height: meta.height, channels: buf.info.channels as 3 } });
    }
    const seed0 = 1000 * (si + 1);
    const base = await view(scene, meta);
    // A live frame: the view plus sensor noise (and a small exposure wobble).
    const live = (r: Raw, seed: number, sigma = 1.5) => {
      const gain = 1 + (rng(seed)() - 0.5) * 0.06;
      return addNoise(map(r, (v) => v * gain), sigma, seed);
    };
    const learning: CorpusCamera['learning'] = [];
    for (let d = 0; d < learningFrames; d++) {
      const jitter = await view(scene, meta, { dx: ((d % 3) - 1) / meta.width, dy: (((d + 1) % 3) - 1) / meta.height });
      learning.push({ at: new Date(Date.UTC(2025, 0, 1 + d, source.night ? 14 : 3, 0)), jpeg: await encode(live(jitter, seed0 + d)) });
    }
    const cases: CorpusCase[] = [];
    const ctx = { night: source.night, tags: [] as string[], hasIr: true };
    const previous = await encode(live(base, seed0 + 101));
    let n = 0;
    const add = async (category: Category, variant: string, r: Raw | Buffer, extra: Partial<CorpusCase> = {}) => {
      const current = Buffer.isBuffer(r) ? r : await encode(r);
      cases.push({
        id: `${source.id}/${variant}`,
        camera: source.id,
        category,
        variant,
        expected: category === 'clean' ? [] : [category],
        tolerated: [],
        ...ctx,
        current,
        previous,
        ...extra,
      });
      n++;
    };
    const sev = await severities();
    const s = (i: number) => ({ severity: sev[i]! });
    const fresh = (k: number) => live(base, seed0 + 200 + k);

    // --- clean frames and clean hard cases ---
    for (let k = 0; k < 3; k++) await add('clean', `clean-${k}`, fresh(k));
    await add('clean', 'fog', live(haze(base, 0.3), seed0 + 300));
    await add('clean', 'rain', live(rain(base, seed0 + 301), seed0 + 302));
    await add('clean', 'dimmer-light', live(map(base, (v, c) => v * 0.72 * [1.05, 1, 0.92][c]!), seed0 + 303));
    await add('clean', 'crowd', live(crowd(base, seed0 + 304, 12), seed0 + 305));
    await add('clean', 'jpeg-q45', await encode(fresh(9), 45));

    // --- blur family ---
    const gauss = [1.2, 2.2, 4.5];
    // A low-texture scene has no detail to lose: blur must come back "not checkable".
    const blurCase = source.id === 'bokeh' ? { expected: [], notCheckable: ['blurred' as const] } : {};
    for (let i = 0; i < 3; i++) await add('blurred', `gaussian-${gauss[i]}`, live(await toRaw(rawSharp(base).blur(gauss[i]!)), seed0 + 400 + i), { ...s(i), ...blurCase });
    const disc = [2, 3, 6];
    for (let i = 0; i < 3; i++) {
      const { k, size } = discKernel(disc[i]!);
      await add('blurred', `defocus-r${disc[i]}`, live(await convolve(base, k, size), seed0 + 410 + i), { ...s(i), ...blurCase });
    }
    const motion = [7, 11, 21];
    for (let i = 0; i < 3; i++) {
      const { k, size } = lineKernel(motion[i]!, i * 30);
      await add('blurred', `motion-${motion[i]}`, live(await convolve(base, k, size), seed0 + 420 + i), { ...s(i), ...blurCase });
    }

    // --- exposure ---
    const darken = [0.45, 0.28, 0.1];
    for (let i = 0; i < 3; i++)
      await add('dark', `darken-${darken[i]}`, live(map(base, (v) => v * darken[i]!), seed0 + 500 + i), { ...s(i), tolerated: i === 2 ? ['covered', 'blurred', 'noisy'] : [] });
    const gamma = [2.2, 3, 4.5];
    for (let i = 0; i < 3; i++)
      await add('dark', `gamma-${gamma[i]}`, live(map(base, (v) => 255 * Math.pow(v / 255, gamma[i]!)), seed0 + 510 + i), { ...s(i), tolerated: i === 2 ? ['covered', 'blurred', 'noisy'] : [] });
    const over = [1.8, 2.5, 4];
    for (let i = 0; i < 3; i++)
      await add('overexposed', `overexpose-${over[i]}`, live(map(base, (v) => v * over[i]! + 20 * i), seed0 + 520 + i), { ...s(i), tolerated: ['blurred', 'covered', 'colour_cast'] });

    // --- noise ---
    const noise = [5, 9, 16];
    for (let i = 0; i < 3; i++) await add('noisy', `noise-${noise[i]}`, addNoise(base, noise[i]!, seed0 + 600 + i, 0.5), s(i));

    // --- occlusion ---
    const occ = [0.3, 0.5, 1];
    for (let i = 0; i < 3; i++)
      await add('covered', `occluded-${occ[i]}`, live(occlude(base, occ[i]!, seed0 + 700 + i), seed0 + 710 + i), {
        ...s(i),
        tolerated: ['moved', 'dark', 'blurred', 'colour_cast'],
      });

    // --- colour cast ---
    const casts: Array<[string, number[]]> = [
      ['warm', [1.12, 1.0, 0.82]],
      ['green', [0.78, 1.0, 0.72]],
      ['blue', [0.55, 0.75, 1.15]],
    ];
    for (let i = 0; i < 3; i++)
      await add('colour_cast', `cast-${casts[i]![0]}`, live(map(base, (v, c) => v * casts[i]![1][c]!), seed0 + 800 + i), { ...s(i), tolerated: ['dark'] });

    // --- view shift / rotation ---
    const shifts = [0.03, 0.06, 0.1];
    for (let i = 0; i < 3; i++)
      await add('moved', `shift-${shifts[i]}`, live(await view(scene, meta, { dx: shifts[i], dy: shifts[i]! / 2 }), seed0 + 900 + i), s(i));
    const rot = [2, 4, 8];
    for (let i = 0; i < 3; i++) await add('moved', `rotate-${rot[i]}`, live(await view(scene, meta, { rotate: rot[i] }), seed0 + 910 + i), s(i));

    // --- frozen: identical bytes, and a frozen picture whose on-screen clock still ticks ---
    const still = await encode(live(base, seed0 + 1000));
    await add('frozen', 'identical', still, { previous: still, severity: 'moderate' });
    const stillRaw = live(base, seed0 + 1001);
    const osd = (r: Raw, t: number) =>
      map(r, (v, _c, i) => {
        const p = Math.floor(i / 3);
        const x = p % r.width;
        const y = Math.floor(p / r.width);
        return x > 10 && x < 90 && y > 8 && y < 20 ? ((x + t * 7) % 12 < 6 ? 250 : 20) : v;
      });
    await add('frozen', 'frozen-osd-clock', await encode(osd(stillRaw, 1)), { previous: await encode(osd(stillRaw, 2)), severity: 'moderate' });

    // --- honesty checks ---
    if (!source.night) {
      // A greyscale (IR) frame: colour cast cannot be judged.
      await add('clean', 'ir-greyscale', live(nightify(base, true), seed0 + 1100, 3), {
        night: true,
        notCheckable: ['colour_cast'],
      });
    } else {
      // Same night scene at a black-spot camera without IR, lights out: advice, not a fault.
      const lightsOut = live(map(base, (v) => Math.min(v, 40) * 0.3), seed0 + 1200);
      await add('lighting_recommendation', 'black-spot-dark', lightsOut, { tags: ['black_spot'], hasIr: false, tolerated: ['covered', 'blurred', 'noisy', 'frozen', 'colour_cast'], notCheckable: ['moved'] });
    }
    void n;
    cameras.push({ source, learning, cases });
  }
  return cameras;
}

/** Default location of the corpus photos relative to the repository root. */
export function defaultCorpusDir(root = process.cwd()): string {
  return path.join(root, 'test', 'fixtures', 'corpus');
}

/** Learn a baseline from a camera's clean learning frames, the way the daemon would. */
export async function learnBaseline(camera: CorpusCamera): Promise<Baseline> {
  let b: Baseline | undefined;
  let prev;
  for (const l of camera.learning) {
    const f = await decodeForAnalysis(l.jpeg);
    const m = measure(f, prev, referenceFor(b, camera.source.night));
    b = updateBaseline(b, m, l.at, { night: camera.source.night });
    prev = f;
  }
  return b!;
}
