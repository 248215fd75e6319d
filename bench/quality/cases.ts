/**
 * The labelled cases of the image-quality evaluation, rendered from real footage with ffmpeg
 * filters, encoded as H.264 at a camera's bitrate, decoded back and saved as the JPEG snapshots a
 * camera would send. Each case is two frames of one clip some seconds apart (previous, current).
 * Rendered cases are cached by a hash of their recipe; a first run takes a few minutes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { locateFfmpeg } from '../../src/probe/ffmpeg.js';
import type { FaultKind } from '../../src/quality/index.js';
import { cacheDir, sceneFile, type Scene } from './footage.js';

const run = promisify(execFile);

export type Severity = 'mild' | 'moderate' | 'severe';
export type Category = FaultKind | 'clean';

/** Output of every camera: 720p H.264 at 2 Mbit/s with a 2 s GOP, like a typical IP camera's main stream. */
const OUTPUT = { width: 1280, height: 720, bitrate: '2M', fps: 15 } as const;

export interface CaseRecipe {
  id: string;
  category: Category;
  variant: string;
  severity?: Severity;
  /** Findings that must be reported. */
  expected: FaultKind[];
  /** Findings that are acceptable side effects (not counted as false positives). */
  tolerated: FaultKind[];
  /** Finding kinds that must come back as not_checkable. */
  notCheckable?: FaultKind[];
  /** The camera sees night (the solar clock says so); day otherwise. */
  night: boolean;
  /** ffmpeg filter chain after the camera's view (1280x720), or the view itself moved. */
  filter: string;
  view?: ViewChange;
  /** Seconds into the clip. */
  start: number;
  /** Seconds between the previous and the current frame. */
  gap: number;
  bitrate?: string;
  /** ffmpeg filter applied to the decoded frame before its JPEG (what reaches a snapshot but not the stream's encoder). */
  post?: string;
  /** frozen: the same frame twice; frozen-osd: a still picture whose clock overlay still ticks */
  frozen?: 'identical' | 'osd';
  /**
   * The camera's automatic exposure after `filter` (the scene's light): a gain that lifts the
   * picture's mean brightness to `targetMean`, at most `maxGain`, then `sensor` (the sensor's own
   * noise, which the gain does not amplify: a camera's noise reduction runs after it).
   */
  exposure?: { targetMean: number; maxGain: number; sensor: string };
}

export interface ViewChange {
  /** Shift in fractions of the source width and height. */
  dx?: number;
  dy?: number;
  rotate?: number;
  flip?: boolean;
}

export interface Case extends Omit<CaseRecipe, 'filter' | 'view' | 'start' | 'gap' | 'bitrate' | 'post' | 'frozen' | 'exposure'> {
  scene: string;
  current: Buffer;
  previous: Buffer;
}

export interface SceneCases {
  scene: Scene;
  /** 0: the first draw of moments from the clip; 1: a second draw, every case cut at another moment. */
  draw: number;
  /** Clean frames a few seconds apart, as learning samples on successive days. */
  learning: Buffer[];
  cases: Case[];
}

/** The camera's view of the source: a central 16:9 crop of 90% of the width, scaled to 720p. */
function viewFilter(v: ViewChange = {}): string {
  const pre: string[] = [];
  if (v.rotate) pre.push(`rotate=${v.rotate}*PI/180:fillcolor=0x303030`);
  if (v.flip) pre.push('hflip');
  const w = 'iw*0.9';
  const h = 'min(ih*0.9\\,iw*0.9*9/16)';
  const x = `(iw-ow)/2+${v.dx ?? 0}*iw`;
  const y = `(ih-oh)/2+${v.dy ?? 0}*ih`;
  return [...pre, `crop=w=${w}:h=${h}:x='max(0,min(iw-ow,${x}))':y='max(0,min(ih-oh,${y}))'`, `scale=${OUTPUT.width}:${OUTPUT.height}`, 'setsar=1'].join(',');
}

const SEV: Severity[] = ['mild', 'moderate', 'severe'];

/**
 * A working camera at night raises its gain until the picture is bright enough to see: without it,
 * darkening day footage renders a dim scene (an indoor room) black, which no working camera shows.
 * Target and limit are a typical camera's, not fitted to any verdict: a night picture a quarter of
 * full scale (day exposure aims near mid-grey), at most 6x (about 16 dB) of extra gain.
 */
const NIGHT_EXPOSURE = { targetMean: 64, maxGain: 6 } as const;

/** The same gain (and offset) on every channel. */
const lift = (gain: number, offset = 0) => `lutrgb=r='val*${gain}+${offset}':g='val*${gain}+${offset}':b='val*${gain}+${offset}'`;

/**
 * Every case of one scene. Times are spread over the clip so people and vehicles differ. A later
 * draw cuts each case at another of the seven moments (the same recipes, other frames).
 */
export function recipes(scene: Scene, draw = 0): CaseRecipe[] {
  const [s0, s1] = scene.span;
  const len = s1 - s0;
  const gap = Math.min(2.5, len * 0.6);
  const at = (k: number, n: number) => Math.max(s0, Math.min(s1 - gap - 0.5, s0 + ((len - gap) * ((k % n) + 0.5)) / n));
  const out: CaseRecipe[] = [];
  let k = 0;
  const add = (r: Omit<CaseRecipe, 'id' | 'start' | 'gap' | 'night' | 'tolerated'> & Partial<Pick<CaseRecipe, 'night' | 'tolerated'>>) => {
    const tolerated = [...(r.tolerated ?? []), ...(scene.fixed ? [] : (['moved'] as const))];
    out.push({ id: `${scene.id}/${r.variant}${draw ? `~${draw + 1}` : ''}`, start: at(k++ + 3 * draw, 7), gap, night: scene.night, ...r, tolerated });
  };
  const clean = (variant: string, filter: string, extra: Partial<CaseRecipe> = {}) => add({ category: 'clean', variant, expected: [], filter, ...extra });
  const fault = (kind: FaultKind, variant: string, i: number, filter: string, extra: Partial<CaseRecipe> = {}) =>
    add({ category: kind, variant, severity: SEV[i], expected: [kind], filter, ...extra });

  // --- clean frames and clean hard cases ---
  for (let i = 0; i < 3; i++) clean(`clean-${i}`, 'null');
  clean('low-bitrate', 'null', { bitrate: '300k' });
  clean('fog', "lutrgb=r='val*0.5+105':g='val*0.5+108':b='val*0.5+112'");
  clean('overcast', 'eq=brightness=-0.06:saturation=0.75');
  if (!scene.night) {
    // Night from day footage: less light (and warmer, or infrared), then the camera's exposure.
    const exposed = (sensor: string) => ({ night: true, exposure: { ...NIGHT_EXPOSURE, sensor } });
    clean('dusk', 'eq=gamma=0.7:saturation=0.6,colortemperature=temperature=4200', exposed('null'));
    clean('night-street-lights', 'eq=gamma=0.45:brightness=-0.05:saturation=0.7,colortemperature=temperature=2700,vignette=angle=PI/3.2', exposed('noise=alls=5:allf=t'));
    clean('night-ir', 'hue=s=0,eq=gamma=0.85:contrast=1.1,vignette=angle=PI/4', { ...exposed('noise=alls=8:allf=t'), notCheckable: ['colour_cast'] });
  }

  // --- blur: gaussian, box (defocus-like), directional (motion, vibration) ---
  [2.5, 4, 7].forEach((s, i) => fault('blurred', `gaussian-${s}`, i, `gblur=sigma=${s}`));
  [3, 5, 9].forEach((r, i) => fault('blurred', `box-${r}`, i, `boxblur=luma_radius=${r}:chroma_radius=${r}`));
  [8, 14, 24].forEach((r, i) => fault('blurred', `motion-${r}`, i, `dblur=angle=${[0, 45, 90][i]}:radius=${r}`));

  // --- exposure ---
  [0.4, 0.25, 0.1].forEach((g, i) => fault('dark', `darken-${g}`, i, lift(g), { tolerated: i === 2 ? ['covered', 'blurred', 'noisy', 'frozen'] : ['noisy'] }));
  [[1.8, 20], [2.5, 40], [4, 60]].forEach(([g, o], i) => fault('overexposed', `overexpose-${g}`, i, lift(g!, o), { tolerated: ['blurred', 'covered', 'colour_cast'] }));

  // --- colour cast: a stuck IR-cut filter (magenta), green and blue channel mixing ---
  const casts: Array<[string, string[]]> = [
    ['magenta', ['rr=1.08:gg=0.86:bb=1.06', 'rr=1.18:gg=0.72:bb=1.12', 'rr=1.3:gg=0.55:bb=1.2:rb=0.1']],
    ['green', ['rr=0.86:gg=1.04:bb=0.84', 'rr=0.72:gg=1.06:bb=0.68', 'rr=0.55:gg=1.1:bb=0.5:gr=0.1']],
    ['blue', ['rr=0.86:gg=0.94:bb=1.1', 'rr=0.7:gg=0.86:bb=1.18', 'rr=0.5:gg=0.75:bb=1.25:br=0.1']],
  ];
  for (const [hue, mixes] of casts) mixes.forEach((m, i) => fault('colour_cast', `cast-${hue}-${SEV[i]}`, i, `colorchannelmixer=${m}`, { tolerated: ['dark'] }));

  // --- covered lens: a cap, a smooth gradient (mud, a bag), paper or tape, a hand ---
  const tolCovered: FaultKind[] = ['blurred', 'dark', 'colour_cast', 'frozen', 'moved', 'noisy', 'overexposed'];
  fault('covered', 'cap', 2, "drawbox=t=fill:c=0x141414,noise=alls=4:allf=t", { tolerated: tolCovered });
  fault('covered', 'gradient-brown-green', 2, "geq=r='70+50*X/W':g='80+40*Y/H':b='40+10*X/W'", { tolerated: tolCovered });
  fault('covered', 'paper', 2, "drawbox=t=fill:c=0xd8d4c8,vignette=angle=PI/5,noise=alls=3:allf=t", { tolerated: tolCovered });
  fault('covered', 'hand', 2, 'gblur=sigma=80,colorchannelmixer=rr=0.6:rg=0.3:gg=0.45:gr=0.25:bb=0.3:br=0.2', { tolerated: tolCovered });
  // --- part of the view hidden by a flat region (a board, a sign, a branch, a sticker) ---
  const occluders: Array<[string, string, number, number]> = [
    ['dark-left', '0x202020', 0.42, 1],
    ['grey-bottom', '0x6a6a66', 1, 0.55],
    ['green-right', '0x2f4a22', 0.65, 1],
    ['dark-62', '0x181818', 0.62, 1],
    ['white-top', '0xe6e6e6', 1, 0.75],
  ];
  occluders.forEach(([name, colour, fw, fh], i) => {
    const area = fw * fh;
    const x = name.includes('right') ? `iw*${1 - fw}` : '0';
    const y = name.includes('bottom') ? `ih*${1 - fh}` : '0';
    fault('covered', `partial-${name}`, area < 0.5 ? 0 : area < 0.7 ? 1 : 2, `drawbox=x=${x}:y=${y}:w=iw*${fw}:h=ih*${fh}:t=fill:c=${colour}`, { tolerated: ['frozen', 'moved', 'dark', 'overexposed', 'blurred', 'colour_cast'] });
  });

  // --- noise (a failing sensor, gain pushed up): in the snapshot's JPEG, which keeps what a
  // 2 Mbit/s H.264 encoder would smooth away ---
  [8, 14, 24].forEach((n, i) => fault('noisy', `noise-${n}`, i, 'null', { post: `noise=alls=${n}:allf=t` }));

  // --- moved: turned or tilted (only a fixed camera has a view to keep) ---
  if (scene.fixed) [0.04, 0.08, 0.15].forEach((d, i) => fault('moved', `shift-${d}`, i, 'null', { view: { dx: d, dy: d / 3 } }));
  if (scene.fixed) [2, 5, 10].forEach((r, i) => fault('moved', `rotate-${r}`, i, 'null', { view: { rotate: r } }));

  // --- frozen: the same frame twice, and a still picture whose on-screen clock still ticks ---
  fault('frozen', 'identical', 1, 'null', { frozen: 'identical', notCheckable: [] });
  fault('frozen', 'osd-clock', 1, "drawbox=x='20+mod(floor(t*2)\\,8)*10':y=16:w=8:h=14:t=fill:c=white", { frozen: 'osd' });
  return out;
}

function hashOf(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

async function ffmpeg(args: string[]) {
  await run(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { timeout: 300_000, maxBuffer: 16 << 20 });
}

const ENCODE = (bitrate: string) => ['-an', '-c:v', 'libx264', '-preset', 'veryfast', '-b:v', bitrate, '-maxrate', bitrate, '-bufsize', bitrate, '-g', String(OUTPUT.fps * 2), '-pix_fmt', 'yuv420p'];

/** Encode `seconds` of the source through `filter` as a camera would, then take frames at `times` (s) as JPEG snapshots. */
async function renderFrames(src: string, start: number, seconds: number, filter: string, times: number[], bitrate: string = OUTPUT.bitrate, post?: string): Promise<Buffer[]> {
  const tmp = path.join(os.tmpdir(), `camwatch-q-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await mkdir(tmp, { recursive: true });
  try {
    // Cut the segment losslessly first by trimming decoded frames (decoding from the start): an
    // input seek lands on keyframes some sources decode badly from (cockatoo.mp4, High 4:4:4,
    // turns to green blocks after a seek past 3.8 s with Debian's ffmpeg 5.1).
    const segment = path.join(tmp, 'segment.mkv');
    await ffmpeg(['-i', src, '-an', '-vf', `trim=start=${start}:duration=${seconds},setpts=PTS-STARTPTS`, '-c:v', 'ffv1', segment]);
    const clip = path.join(tmp, 'clip.mp4');
    await ffmpeg(['-i', segment, '-vf', `fps=${OUTPUT.fps},${filter}`, ...ENCODE(bitrate), clip]);
    const frames: Buffer[] = [];
    for (const [i, t] of times.entries()) {
      const file = path.join(tmp, `f${i}.jpg`);
      await ffmpeg(['-ss', String(t), '-i', clip, ...(post ? ['-vf', post] : []), '-frames:v', '1', '-q:v', '3', file]);
      frames.push(await readFile(file));
    }
    return frames;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function cached(key: unknown, count: number, make: () => Promise<Buffer[]>): Promise<Buffer[]> {
  const dir = path.join(cacheDir(), 'cases', hashOf(key));
  const files = Array.from({ length: count }, (_, i) => path.join(dir, `${i}.jpg`));
  if (files.every((f) => existsSync(f))) return Promise.all(files.map((f) => readFile(f)));
  const frames = await make();
  await mkdir(dir, { recursive: true });
  for (const [i, f] of frames.entries()) {
    await writeFile(files[i]! + '.tmp', f);
    await rename(files[i]! + '.tmp', files[i]!);
  }
  return frames;
}

/** Bumped when rendering changes: cached cases of an older version are rendered again. */
const RENDER_VERSION = 3;

async function renderCase(src: string, scene: Scene, r: CaseRecipe): Promise<Case> {
  const key = { v: RENDER_VERSION, scene: scene.id, file: scene.file, version: scene.version, r };
  // The camera's view and the scene's light, before the camera's own exposure (if it sets one).
  const light = `${viewFilter(r.view)},${r.filter}`;
  const chain = `${light},format=yuv420p`;
  let previous: Buffer;
  let current: Buffer;
  if (r.frozen === 'identical') {
    current = (await cached(key, 1, () => renderFrames(src, r.start, 1, chain, [0.5], r.bitrate)))[0]!;
    previous = current;
  } else if (r.frozen === 'osd') {
    // Freeze the first frame, then draw the ticking clock on top, then encode.
    const frozenChain = `${viewFilter(r.view)},trim=end_frame=1,loop=loop=${OUTPUT.fps * 6}:size=1,setpts=N/${OUTPUT.fps}/TB,${r.filter},format=yuv420p`;
    [previous, current] = (await cached(key, 2, () => renderFrames(src, r.start, r.gap + 1, frozenChain, [0.5, 0.5 + r.gap], r.bitrate))) as [Buffer, Buffer];
  } else {
    const frames = (c: string) => renderFrames(src, r.start, r.gap + 1, c, [0.3, 0.3 + r.gap], r.bitrate, r.post);
    [previous, current] = (await cached(key, 2, async () => frames(r.exposure ? await exposedChain(light, r.exposure, frames) : chain))) as [Buffer, Buffer];
  }
  const { filter: _f, view: _v, start: _s, gap: _g, bitrate: _b, post: _p, frozen: _z, exposure: _e, ...meta } = r;
  return { ...meta, scene: scene.id, previous, current: current! };
}

/**
 * The filter chain of a camera that sets its own exposure: render once without gain, read the mean
 * brightness of the first frame, and add the gain that brings it to the target (none where the
 * picture is bright enough already).
 */
async function exposedChain(light: string, exposure: NonNullable<CaseRecipe['exposure']>, frames: (chain: string) => Promise<Buffer[]>): Promise<string> {
  const [first] = await frames(`${light},${exposure.sensor},format=yuv420p`);
  // Decoded to grey first: sharp's stats() reads the input's channels, not the pipeline's output.
  const grey = await sharp(first!).greyscale().raw().toBuffer();
  const mean = grey.reduce((sum, v) => sum + v, 0) / grey.length;
  const gain = Math.min(exposure.maxGain, Math.max(1, exposure.targetMean / Math.max(mean, 1)));
  return `${light},${gain > 1 ? `${lift(gain)},` : ''}${exposure.sensor},format=yuv420p`;
}

/** Render (or read from the cache) every case of a scene, `concurrency` ffmpeg jobs at a time. */
export async function sceneCases(scene: Scene, opts: { draw?: number; learning?: number; concurrency?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<SceneCases> {
  const draw = opts.draw ?? 0;
  const src = await sceneFile(scene);
  const learningCount = opts.learning ?? 6;
  const [s0, s1] = scene.span;
  const times = Array.from({ length: learningCount }, (_, i) => ((s1 - s0 - 0.5) * (i + 0.5)) / learningCount);
  const learning = await cached({ v: RENDER_VERSION, scene: scene.id, file: scene.file, version: scene.version, learning: times }, learningCount, () =>
    renderFrames(src, s0, s1 - s0, `${viewFilter()},format=yuv420p`, times),
  );
  const list = recipes(scene, draw);
  const cases: Case[] = new Array(list.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      cases[i] = await renderCase(src, scene, list[i]!);
      opts.onProgress?.(++done, list.length);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, worker));
  return { scene, draw, learning, cases };
}
