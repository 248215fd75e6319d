/** Reads the simulator's burned-in time code (src/simulator/recorder.ts) from the first frame of a clip. */
import { expect } from 'vitest';
import { locateFfmpeg, runProcess } from '../../src/probe/ffmpeg.js';
import { readTimeCode } from '../../src/simulator/recorder.js';

/** The epoch second burned into the first frame of a clip (decoded to its luma plane by ffmpeg). */
export async function firstFrameSecond(file: string, width = 640, height = 360): Promise<number> {
  const result = await runProcess(locateFfmpeg().ffmpeg, ['-hide_banner', '-loglevel', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], { deadlineMs: 20_000 });
  expect(result.ok, result.stderr).toBe(true);
  expect(result.stdout.length).toBe(width * height);
  return readTimeCode(result.stdout, width);
}
