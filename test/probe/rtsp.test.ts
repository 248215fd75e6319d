/**
 * Stream info is what the camera sends, read from ffmpeg's input section — never from the output
 * line, which describes camwatch's own JPEG ("mjpeg 640x360").
 */
import { describe, expect, it } from 'vitest';
import { parseStreamInfo } from '../../src/probe/rtsp.js';

const INPUT = [
  "Input #0, rtsp, from 'rtsp://127.0.0.1:8554/stream1':",
  '  Metadata:',
  '    title           : camera',
  '  Duration: N/A, start: 0.000000, bitrate: N/A',
  '  Stream #0:0: Video: h264 (Main), 1 reference frame, yuv420p(tv, bt709, progressive, left), 1280x720 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn',
].join('\n');
const MAPPING = ['Stream mapping:', '  Stream #0:0 -> #0:0 (h264 (native) -> mjpeg (native))'].join('\n');
const FILTERS = '[graph 0 input from stream 0:0 @ 0x55b9dd6bcfc0] w:1280 h:720 pixfmt:yuv420p tb:1/90000 fr:25/1 sar:1/1';
const OUTPUT = [
  "Output #0, image2pipe, to 'pipe:1':",
  '  Stream #0:0: Video: mjpeg, 1 reference frame, yuvj420p(pc, progressive), 640x360 (0x0) [SAR 1:1 DAR 16:9], q=2-31, 200 kb/s, 25 fps, 25 tbn',
].join('\n');

describe('stream info', () => {
  it('reads codec, size and rate from the input section', () => {
    expect(parseStreamInfo([INPUT, MAPPING, FILTERS, OUTPUT].join('\n'))).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 25 });
  });

  it('when the input section was lost, reads the decoder and the size entering the filters, never the output', () => {
    expect(parseStreamInfo(['[…]', MAPPING, FILTERS, OUTPUT].join('\n'))).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 25 });
  });

  it('an input line without a size (no parameter sets yet) falls back the same way', () => {
    const sizeless = INPUT.replace(', 1280x720 [SAR 1:1 DAR 16:9]', '');
    expect(parseStreamInfo([sizeless, MAPPING, FILTERS, OUTPUT].join('\n'))).toEqual({ codec: 'h264', width: 1280, height: 720, fps: 25 });
  });

  it('knows nothing rather than guessing from the output alone', () => {
    expect(parseStreamInfo(OUTPUT)).toBeUndefined();
  });
});
