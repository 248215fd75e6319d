import sharp from 'sharp';
import { decodeForAnalysis, measure, diagnose, referenceSignature } from './dist/src/quality/index.js';
sharp.concurrency(1);
const jpeg = await sharp('test/fixtures/photos/coffee.jpg').resize({ width: 1920, height: 1080, fit: 'cover' }).jpeg({ quality: 85 }).toBuffer();
const prev = await decodeForAnalysis(jpeg);
const ref = prev;
let tm = 0, td = 0;
for (let i = 0; i < 150; i++) {
  const t0 = performance.now();
  const f = await decodeForAnalysis(jpeg);
  const t1 = performance.now();
  diagnose(measure(f, prev, ref), undefined, { night: false, tags: [], hasIr: true });
  const t2 = performance.now();
  if (i >= 20) { td += t1 - t0; tm += t2 - t1; }
}
console.log('decode', (td / 130).toFixed(2), 'measure+diagnose', (tm / 130).toFixed(2));
