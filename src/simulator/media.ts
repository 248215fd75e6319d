/**
 * Media for the simulated cameras: live-looking H.264 clips and JPEG snapshots made by ffmpeg from
 * real photographs (test/fixtures/photos), one clip per picture variant (normal and each image
 * fault). Generated once into a cache directory keyed by a hash of the inputs and settings, then
 * read into memory once, split into access units and packetized once, and shared by every camera.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateFfmpeg, runProcess } from '../probe/ffmpeg.js';
import { parseVideo, profileLevelId, type AccessUnit, type SimulatedCodec } from './h264.js';

/** Picture variants: the normal view and one per image fault. */
export const PICTURE_VARIANTS = ['normal', 'blurred', 'dark', 'overexposed', 'frozen', 'covered', 'moved', 'noisy', 'colour_cast', 'occluded'] as const;
export type PictureVariant = (typeof PICTURE_VARIANTS)[number];

export interface MediaSettings {
  /** h264 (libx264, baseline) or hevc (libx265, main): what the cameras stream */
  codec: SimulatedCodec;
  width: number;
  height: number;
  fps: number;
  /** Clip length; the stream loops over it. A multiple of the keyframe interval. */
  clipSeconds: number;
  keyframeSeconds: number;
  /** Snapshots per second of clip (frozen has a single snapshot). */
  snapshotsPerSecond: number;
}

export const DEFAULT_MEDIA_SETTINGS: MediaSettings = {
  codec: 'h264',
  width: 640,
  height: 360,
  fps: 15,
  clipSeconds: 10,
  keyframeSeconds: 2,
  snapshotsPerSecond: 2,
};

/** Bump when the filter graphs or file layout change in a way the settings do not capture. */
const MEDIA_FORMAT_VERSION = 1;
/** for a clip of the default length; a longer clip gets proportionally longer */
const GENERATE_DEADLINE_MS = 120_000;

export interface VariantMedia {
  readonly variant: PictureVariant;
  readonly codec: SimulatedCodec;
  /** SPS, PPS (H.264); VPS, SPS, PPS (H.265) */
  readonly parameterSets: readonly Buffer[];
  readonly sps: Buffer;
  readonly pps: Buffer;
  readonly profileLevelId: string;
  readonly accessUnits: readonly AccessUnit[];
  readonly snapshots: readonly Buffer[];
}

export interface SceneMedia {
  /** Photo name without extension, e.g. `coffee`. */
  readonly name: string;
  /** the photograph it was made from (the camera's recorder renders past instants from it) */
  readonly photo: string;
  readonly variants: Readonly<Record<PictureVariant, VariantMedia>>;
}

export interface MediaLibrary {
  readonly dir: string;
  readonly settings: MediaSettings;
  readonly frameCount: number;
  readonly scenes: readonly SceneMedia[];
  /** Wall time spent by ffmpeg (0 when the cache was used). */
  readonly generatedMs: number;
}

export interface PrepareMediaOptions {
  /** Cache root; the media go to `<mediaDir>/<hash>`. Default `<os.tmpdir()>/camwatch-sim-media`. */
  mediaDir?: string | undefined;
  /** Photo files (JPEG/PNG). Default: every .jpg in test/fixtures/photos. */
  photos?: readonly string[] | undefined;
  settings?: Partial<MediaSettings> | undefined;
  ffmpegPath?: string | undefined;
}

/** test/fixtures/photos, found from this module's location (src/ or dist/src/). */
export function defaultPhotosDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../test/fixtures/photos'), path.resolve(here, '../../../test/fixtures/photos')];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`simulator photos not found (looked in ${candidates.join(', ')})`);
  return found;
}

async function defaultPhotos(): Promise<string[]> {
  const dir = defaultPhotosDir();
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  if (files.length === 0) throw new Error(`no photos in ${dir}`);
  return files.map((f) => path.join(dir, f));
}

function sceneName(photo: string): string {
  return path.basename(photo).replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The filter graph for one photo: input 0 is the photo looped at `fps`, input 1 a small coloured
 * square (the "something moving"). Every time-dependent term has the clip length as its period,
 * so the loop is seamless. The normal view is a fixed camera: a slight sway and an object crossing
 * the picture. Outputs: [v_<variant>] for the streams, [s_<variant>] snapshots.
 *
 * The sway traces an ellipse once per clip, of 1 px by 0.4 px per second of clip (±10 by ±4 px for
 * 10 s): it moves at the same speed whatever the clip's length, and no two keyframes of one loop
 * show the same framing. A longer clip thus gives more distinct keyframes: a stream check joins at
 * one of them, so two stream checks minutes apart see the same picture (a frozen stream, to the
 * daemon) once in clipSeconds / keyframeSeconds draws.
 */
export function filterGraph(s: MediaSettings): string {
  const { width: W, height: H, clipSeconds: T } = s;
  const scaledW = Math.round(W * 1.25);
  const phase = `2*PI*t/${T}`;
  // Normal framing: centred, swaying on the ellipse.
  const cropNormal = `crop=${W}:${H}:x='(iw-${W})/2+${T}*sin(${phase})':y='(ih-${H})/2+${(2 * T) / 5}*cos(${phase})'`;
  // Moved: the camera was knocked: framing shifted to a corner and rotated by 12 degrees.
  const cropMoved = `crop=${W}:${H}:x='(iw-${W})*0.05+10*sin(${phase})':y='(ih-${H})*0.95'`;
  // Frozen: one fixed picture (the normal framing at t=0, object at its start position).
  const cropFrozen = `crop=${W}:${H}:x='(iw-${W})/2':y='(ih-${H})/2+${(2 * T) / 5}'`;
  const objectX = `mod(t*${W}/${T}*2,W+w)-w`; // crosses twice per clip
  const objectY = `H*0.72+20*sin(${phase}*2)`;
  const looks: Record<Exclude<PictureVariant, 'frozen' | 'moved'>, string> = {
    normal: 'null',
    blurred: 'gblur=sigma=7',
    dark: 'eq=brightness=-0.22:contrast=0.65:gamma=0.65:saturation=0.5',
    overexposed: 'eq=brightness=0.35:contrast=0.7:gamma=1.3',
    covered: 'gblur=sigma=40,eq=brightness=-0.42:contrast=0.08:saturation=0.3,noise=alls=3:allf=t',
    noisy: 'noise=alls=32:allf=t+u',
    // An IR-cut filter stuck open by day: infrared lifts red and blue, the picture turns magenta.
    colour_cast: 'colorchannelmixer=rr=1.18:gg=0.72:bb=1.12',
    // A board in front of the lens hides 62% of the view; the object passes behind it.
    occluded: 'drawbox=x=0:y=0:w=iw*0.62:h=ih:t=fill:c=0x202020',
  };
  const live = Object.keys(looks) as (keyof typeof looks)[];
  const parts: string[] = [
    `[0:v]scale=${scaledW}:-2,setsar=1,format=yuv420p,split=3[p_live][p_moved][p_frozen]`,
    `[1:v]format=yuv420p,split=2[o_live][o_moved]`,
    `[p_live]${cropNormal}[c_live]`,
    `[c_live][o_live]overlay=x='${objectX}':y='${objectY}':eval=frame,split=${live.length}${live.map((v) => `[l_${v}]`).join('')}`,
    ...live.map((v) => `[l_${v}]${looks[v]},format=yuv420p,split=2[v_${v}][t_${v}]`),
    `[p_moved]${cropMoved}[c_moved]`,
    `[c_moved][o_moved]overlay=x='${objectX}':y='${objectY}':eval=frame,rotate=12*PI/180:fillcolor=black,format=yuv420p,split=2[v_moved][t_moved]`,
    `[p_frozen]${cropFrozen},format=yuv420p,split=2[v_frozen][t_frozen]`,
    ...PICTURE_VARIANTS.filter((v) => v !== 'frozen').map((v) => `[t_${v}]fps=${s.snapshotsPerSecond},format=yuvj420p[s_${v}]`),
    `[t_frozen]format=yuvj420p[s_frozen]`,
  ];
  return parts.join(';');
}

export function encoderArgs(s: MediaSettings): string[] {
  const gop = String(Math.round(s.fps * s.keyframeSeconds));
  if (s.codec === 'hevc') {
    return [
      '-c:v', 'libx265', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-g', gop,
      '-x265-params', `keyint=${gop}:min-keyint=${gop}:scenecut=0:bframes=0:open-gop=0:pools=1:frame-threads=1:log-level=error`,
    ];
  }
  return [
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-bf', '0', '-threads', '1',
  ];
}

function ffmpegArgs(photo: string, outDir: string, s: MediaSettings): string[] {
  const args = [
    '-hide_banner', '-nostdin', '-y', '-loglevel', 'error',
    '-loop', '1', '-framerate', String(s.fps), '-t', String(s.clipSeconds), '-i', photo,
    '-f', 'lavfi', '-i', `color=c=0xff8800:s=${Math.round(s.width / 14)}x${Math.round(s.width / 14)}:r=${s.fps}:d=${s.clipSeconds}`,
    '-filter_complex', filterGraph(s),
  ];
  for (const v of PICTURE_VARIANTS) {
    args.push('-map', `[v_${v}]`, ...encoderArgs(s), '-f', s.codec, path.join(outDir, `${v}.${s.codec}`));
  }
  for (const v of PICTURE_VARIANTS) {
    args.push('-map', `[s_${v}]`, '-q:v', '5');
    if (v === 'frozen') args.push('-frames:v', '1');
    args.push('-f', 'image2', path.join(outDir, `${v}-snap-%03d.jpg`));
  }
  return args;
}

async function cacheKey(photos: readonly string[], s: MediaSettings): Promise<string> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ v: MEDIA_FORMAT_VERSION, s, graph: filterGraph(s), enc: encoderArgs(s) }));
  for (const photo of photos) {
    hash.update(sceneName(photo));
    hash.update(await readFile(photo));
  }
  return hash.digest('hex').slice(0, 16);
}

async function generate(photos: readonly string[], target: string, s: MediaSettings, ffmpeg: string): Promise<void> {
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(temp, { recursive: true });
  try {
    // One ffmpeg per photo (each encodes all variants); two at a time for a two-core machine.
    const queue = [...photos];
    const worker = async () => {
      for (let photo = queue.shift(); photo; photo = queue.shift()) {
        const out = path.join(temp, sceneName(photo));
        await mkdir(out, { recursive: true });
        const result = await runProcess(ffmpeg, ffmpegArgs(photo, out, s), { deadlineMs: GENERATE_DEADLINE_MS * Math.max(1, s.clipSeconds / DEFAULT_MEDIA_SETTINGS.clipSeconds) });
        if (!result.ok) throw new Error(`ffmpeg failed to make simulator media from ${photo} (${result.failure}): ${result.stderr.trim()}`);
      }
    };
    await Promise.all([worker(), worker()]);
    await writeFile(path.join(temp, 'manifest.json'), JSON.stringify({ settings: s, scenes: photos.map(sceneName), photos }, null, 2));
    try {
      await rename(temp, target);
    } catch (error) {
      // Another process finished the same media first: use theirs.
      if (!existsSync(path.join(target, 'manifest.json'))) throw error;
      await rm(temp, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

async function loadVariant(dir: string, variant: PictureVariant, s: MediaSettings, frameCount: number): Promise<VariantMedia> {
  const parsed = parseVideo(await readFile(path.join(dir, `${variant}.${s.codec}`)), s.codec);
  const gop = Math.round(s.fps * s.keyframeSeconds);
  if (parsed.accessUnits.length !== frameCount) {
    throw new Error(`${dir}/${variant}.${s.codec}: ${parsed.accessUnits.length} access units, expected ${frameCount}`);
  }
  parsed.accessUnits.forEach((au, i) => {
    if (au.keyframe !== (i % gop === 0)) throw new Error(`${dir}/${variant}.${s.codec}: keyframe layout is not every ${gop} frames (frame ${i})`);
  });
  const snapFiles = (await readdir(dir)).filter((f) => f.startsWith(`${variant}-snap-`) && f.endsWith('.jpg')).sort();
  if (snapFiles.length === 0) throw new Error(`${dir}: no snapshots for ${variant}`);
  const snapshots = await Promise.all(snapFiles.map((f) => readFile(path.join(dir, f))));
  return { variant, codec: s.codec, parameterSets: parsed.parameterSets, sps: parsed.sps, pps: parsed.pps, profileLevelId: profileLevelId(parsed.sps), accessUnits: parsed.accessUnits, snapshots };
}

/** Half-made media left by a process that was killed while generating (older than 10 minutes). */
async function removeStaleTemps(root: string): Promise<void> {
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/\.tmp-\d+-[0-9a-f]+$/.test(entry)) continue;
    const full = path.join(root, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > 10 * 60_000) await rm(full, { recursive: true, force: true });
  }
}

const libraries = new Map<string, Promise<MediaLibrary>>();

/**
 * Makes (or finds in the cache) and loads the media. Concurrent and repeated calls in one process
 * share one load; a failed load is forgotten so the next call tries again.
 */
export function prepareMedia(options: PrepareMediaOptions = {}): Promise<MediaLibrary> {
  const memoKey = JSON.stringify([options.mediaDir ?? null, options.photos ?? null, options.settings ?? null, options.ffmpegPath ?? null]);
  let pending = libraries.get(memoKey);
  if (!pending) {
    pending = loadLibrary(options);
    pending.catch(() => libraries.delete(memoKey));
    libraries.set(memoKey, pending);
  }
  return pending;
}

async function loadLibrary(options: PrepareMediaOptions): Promise<MediaLibrary> {
  const settings: MediaSettings = { ...DEFAULT_MEDIA_SETTINGS, ...options.settings };
  const gop = settings.fps * settings.keyframeSeconds;
  const frameCount = Math.round(settings.fps * settings.clipSeconds);
  if (!Number.isInteger(gop) || frameCount % gop !== 0) throw new Error('clipSeconds must be a multiple of keyframeSeconds, fps*keyframeSeconds an integer');
  const photos = options.photos ? [...options.photos] : await defaultPhotos();
  const root = options.mediaDir ?? path.join(os.tmpdir(), 'camwatch-sim-media');
  const dir = path.join(root, await cacheKey(photos, settings));
  let generatedMs = 0;
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    await mkdir(root, { recursive: true });
    await removeStaleTemps(root);
    const started = performance.now();
    await generate(photos, dir, settings, options.ffmpegPath ?? locateFfmpeg().ffmpeg);
    generatedMs = performance.now() - started;
  }
  const scenes: SceneMedia[] = [];
  for (const photo of photos) {
    const sceneDir = path.join(dir, sceneName(photo));
    const loaded = await Promise.all(PICTURE_VARIANTS.map((v) => loadVariant(sceneDir, v, settings, frameCount)));
    const variants = Object.fromEntries(loaded.map((m) => [m.variant, m])) as Record<PictureVariant, VariantMedia>;
    scenes.push({ name: sceneName(photo), photo, variants });
  }
  return { dir, settings, frameCount, scenes, generatedMs };
}
