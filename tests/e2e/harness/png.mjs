// Just enough PNG reading to tell a real screenshot from a blank one (WebKit under Xvfb can
// render nothing when compositing goes wrong, and a blank screenshot would look like a pass).
import { inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * @param {Buffer} png
 * @returns {{ width: number, height: number, distinctPixels: number }}
 *   distinctPixels counts different RGB(A) values in a sample of rows.
 */
export function describePng(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let bitDepth = 0;
  let colourType = 0;
  /** @type {Buffer[]} */
  const data = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      bitDepth = body[8];
      colourType = body[9];
    } else if (type === 'IDAT') {
      data.push(body);
    }
    offset += 12 + length;
  }
  const channels = { 2: 3, 6: 4 }[colourType];
  if (bitDepth !== 8 || !channels) throw new Error(`unsupported PNG (bit depth ${bitDepth}, colour type ${colourType})`);
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = unfilter(raw, stride, height, channels);
  const seen = new Set();
  for (let y = 0; y < height; y += 4) {
    for (let x = 0; x < width; x += 1) {
      const at = y * stride + x * channels;
      seen.add(pixels.readUIntBE(at, 3));
    }
  }
  return { width, height, distinctPixels: seen.size };
}

/**
 * Undo PNG's per-row filters (spec section 9).
 * @param {Buffer} raw
 * @param {number} stride
 * @param {number} height
 * @param {number} bpp  bytes per pixel
 */
function unfilter(raw, stride, height, bpp) {
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x += 1) {
      const left = x >= bpp ? out[at + x - bpp] : 0;
      const up = y > 0 ? out[at - stride + x] : 0;
      const upLeft = y > 0 && x >= bpp ? out[at - stride + x - bpp] : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) predictor = paeth(left, up, upLeft);
      out[at + x] = (row[x] + predictor) & 0xff;
    }
  }
  return out;
}

/** @param {number} a @param {number} b @param {number} c */
function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
