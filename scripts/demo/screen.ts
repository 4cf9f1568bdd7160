/**
 * A screenshot of the demo's private X display (what a person would see on it: the notification
 * daemon's bubbles next to the Chromium windows), which Playwright cannot take: the root window's
 * pixels with X11 GetImage (the npm `x11` client the hot-key listener uses) written as a PNG.
 */
import { promises as fs } from 'node:fs';
import * as zlib from 'node:zlib';
import * as x11 from 'x11';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

type X11Display = { screen: { root: number; pixel_width: number; pixel_height: number; root_depth: number }[]; client: unknown };
type X11Client = {
  GetImage(format: number, drawable: number, x: number, y: number, w: number, h: number, planeMask: number, cb: (err: unknown, img: { depth: number; data: Buffer }) => void): void;
  terminate(): void;
};

const Z_PIXMAP = 2;

/** PNG of 8-bit RGB pixels (`rgb`: width*height*3 bytes, rows top to bottom). */
export function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  if (rgb.length !== width * height * 3) throw new Error(`expected ${width * height * 3} bytes of RGB, got ${rgb.length}`);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3); // filter 0 per row
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.writeUInt8(8, 8); // bit depth
  ihdr.writeUInt8(2, 9); // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** RGB of a 24/32-bit ZPixmap (little endian BGRX, 4 bytes a pixel, as Xvfb's 24-bit visual has it). */
export function rgbFromZPixmap(data: Buffer, width: number, height: number): Buffer {
  if (data.length < width * height * 4) throw new Error(`X image has ${data.length} bytes for ${width}x${height} (expected 32 bits a pixel)`);
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
    rgb[j] = data[i + 2]!;
    rgb[j + 1] = data[i + 1]!;
    rgb[j + 2] = data[i]!;
  }
  return rgb;
}

/** Saves the display's screen (or `rect` of it) as a PNG at `file`. */
export function captureScreen(display: string, file: string, rect?: Rect): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = x11.createClient({ display }, (err, display) => {
      if (err) return reject(err);
      const d = display as unknown as X11Display;
      const X = d.client as X11Client;
      const s = d.screen[0]!;
      const r = rect ?? { x: 0, y: 0, width: s.pixel_width, height: s.pixel_height };
      X.GetImage(Z_PIXMAP, s.root, r.x, r.y, r.width, r.height, 0xffffffff, (e, img) => {
        X.terminate();
        if (e) return reject(new Error(`X11 GetImage failed: ${String((e as Error)?.message ?? e)}`));
        if (img.depth !== 24 && img.depth !== 32) return reject(new Error(`X display depth ${img.depth} (24 expected)`));
        fs.writeFile(file, encodePng(r.width, r.height, rgbFromZPixmap(img.data, r.width, r.height))).then(resolve, reject);
      });
    });
    client.on('error', (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}
