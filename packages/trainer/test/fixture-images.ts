import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Small generated images and class folders for tests, so no image file is ever checked in. Each
 * image gets a colour from its class folder and name, so files differ as real ones do, yet two
 * copies of a layout in different places are byte-identical.
 */
export async function makeTempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `tlab-${prefix}-`));
}

export async function writeImage(file: string, options: { width?: number; height?: number; seed?: string } = {}): Promise<void> {
  const { width = 12, height = 10, seed = `${path.basename(path.dirname(file))}/${path.basename(file)}` } = options;
  let hash = 0;
  for (const char of seed) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  }
  const image = sharp({ create: { width, height, channels: 3, background: { r: hash & 255, g: (hash >> 8) & 255, b: (hash >> 16) & 255 } } });
  await fs.mkdir(path.dirname(file), { recursive: true });
  const extension = path.extname(file).toLowerCase();
  await (extension === '.png' ? image.png() : extension === '.webp' ? image.webp() : image.jpeg()).toFile(file);
}

/** `layout[split][class]` images named img-00.jpg, img-01.jpg, … under `root/<split>/<class>/`. */
export async function writeClassFolders(root: string, layout: Record<string, Record<string, number>>): Promise<void> {
  for (const [split, classes] of Object.entries(layout)) {
    for (const [className, count] of Object.entries(classes)) {
      await fs.mkdir(path.join(root, split, className), { recursive: true });
      for (let i = 0; i < count; i++) {
        await writeImage(path.join(root, split, className, `img-${String(i).padStart(2, '0')}.jpg`));
      }
    }
  }
}

/** A valid PNG header claiming 30000×30000 pixels: tiny on disk, 2.7 GB if decoded. */
export async function decompressionBomb(): Promise<Buffer> {
  const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'black' } }).png().toBuffer();
  const bomb = Buffer.from(png);
  bomb.writeUInt32BE(30_000, 16);
  bomb.writeUInt32BE(30_000, 20);
  bomb.writeUInt32BE(crc32(bomb.subarray(12, 29)), 29);
  return bomb;
}

/** The CRC-32 of PNG chunks and zip entries. */
export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    }
  }
  return (crc ^ 0xffffffff) >>> 0;
}
