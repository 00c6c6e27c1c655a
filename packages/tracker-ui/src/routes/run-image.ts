import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Hono } from 'hono';
import type { AppDeps } from '../app-deps.ts';
import { notFound } from '../http-error.ts';

/** Larger than any image a sweep decodes for a thumbnail; a bigger file is not served. */
const maxImageBytes = 32 * 1024 * 1024;

/**
 * A validation image of a run, by the content hash its stored prediction names: the path comes
 * from the DB, never from the request, and the bytes are served only while they still hash to
 * what the run saw. The type is read from the file's magic bytes, not its name.
 */
export function runImage({ reader }: AppDeps): Hono {
  return new Hono().get('/runs/:id/images/:sha256', (c) => {
    const [id, sha256] = [c.req.param('id'), c.req.param('sha256')];
    const prediction = /^[0-9a-f]{64}$/.test(sha256) ? reader.predictionOf(id, sha256) : undefined;
    if (prediction === undefined) throw notFound(`image ${sha256} of run ${id}`);
    const stat = fs.statSync(prediction.file, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > maxImageBytes) throw notFound(`image ${prediction.file} (moved, or no longer a readable image file)`);
    const bytes = fs.readFileSync(prediction.file);
    if (createHash('sha256').update(bytes).digest('hex') !== sha256) throw notFound(`image ${prediction.file} as the run saw it (the file changed since)`);
    const type = imageType(bytes);
    if (type === undefined) throw notFound(`image ${prediction.file} (not a PNG, JPEG or WebP file)`);
    return c.body(new Uint8Array(bytes), 200, { 'content-type': type, 'cache-control': 'private, max-age=86400, immutable', 'x-content-type-options': 'nosniff' });
  });
}

function imageType(bytes: Buffer): string | undefined {
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}
