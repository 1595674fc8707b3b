#!/usr/bin/env node
// Draws the Lentera mark (a lantern, "lentera" in Indonesian) into the icons electron-builder packs:
// resources/icon.png (512×512), resources/icons/<N>x<N>.png for the Linux desktop entry, and resources/icon.ico
// for the Windows installer and shortcuts. Drawn from geometry so it needs nothing but pngjs, offline; the output
// is committed and only has to be made again when the mark changes: `node scripts/make-icons.mjs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';

const { PNG } = pngjs;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
// Windows picks from these for the taskbar, Explorer and the installer; electron-builder wants 256 in the .ico.
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

const NAVY = [22, 50, 79, 255];
const GOLD = [242, 177, 52, 255];
const GLASS = [255, 226, 154, 255];
const FLAME = [232, 89, 12, 255];
const CORE = [255, 243, 191, 255];

function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inEllipse(x, y, cx, cy, rx, ry) {
  return ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;
}

/** A flame: an ellipse whose upper half narrows to a point. */
function inFlame(x, y, cx, cy, rx, ry) {
  const above = Math.max(0, (cy - y) / ry); // 0 at the middle, 1 at the tip
  return inEllipse(x, y, cx, cy, rx * (1 - 0.75 * above), ry);
}

/** The colour at a point of the 512×512 design, front layer first; undefined outside the tile. */
function colourAt(x, y) {
  if (inFlame(x, y, 256, 300, 18, 36)) return CORE;
  if (inFlame(x, y, 256, 292, 32, 58)) return FLAME;
  if (inRoundedRect(x, y, 208, 196, 304, 372, 18)) return GLASS;
  if (inRoundedRect(x, y, 192, 184, 320, 384, 26)) return GOLD; // the frame around the glass
  if (inRoundedRect(x, y, 170, 376, 342, 414, 12)) return GOLD; // base
  if (inRoundedRect(x, y, 180, 146, 332, 192, 14)) return GOLD; // cap
  const d = Math.hypot(x - 256, y - 140);
  if (y <= 146 && d >= 40 && d <= 58) return GOLD; // handle
  if (inRoundedRect(x, y, 0, 0, 511, 511, 96)) return NAVY;
  return undefined;
}

/** One square image of the mark, each pixel averaged over 4×4 samples so edges stay smooth at every size. */
export function drawMark(size) {
  const png = new PNG({ width: size, height: size });
  const scale = 512 / size;
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = colourAt((px + (sx + 0.5) / n) * scale, (py + (sy + 0.5) / n) * scale);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += c[3];
        }
      }
      const covered = a / 255;
      const i = (py * size + px) * 4;
      png.data[i] = covered ? Math.round(r / covered) : 0;
      png.data[i + 1] = covered ? Math.round(g / covered) : 0;
      png.data[i + 2] = covered ? Math.round(b / covered) : 0;
      png.data[i + 3] = Math.round(a / (n * n));
    }
  }
  return PNG.sync.write(png);
}

/** An .ico holding PNG images (allowed since Windows Vista; electron-builder and NSIS read it). */
export function icoOf(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, png }, k) => {
    const e = 6 + 16 * k;
    header.writeUInt8(size >= 256 ? 0 : size, e); // 0 means 256
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const drawn = new Map([...new Set([...LINUX_SIZES, ...ICO_SIZES])].map((s) => [s, drawMark(s)]));
  const out = (rel, data) => {
    const file = join(root, 'resources', rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
    console.log(`${rel} (${data.length} bytes)`);
  };
  out('icon.png', drawn.get(512));
  for (const s of LINUX_SIZES) out(join('icons', `${s}x${s}.png`), drawn.get(s));
  out('icon.ico', icoOf(ICO_SIZES.map((size) => ({ size, png: drawn.get(size) }))));
}
