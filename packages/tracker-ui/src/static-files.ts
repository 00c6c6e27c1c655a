import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { notFound } from './http-error.ts';

const staticDir = path.resolve(import.meta.dirname, '../static');
const require = createRequire(import.meta.url);

const contentTypes: Readonly<Record<string, string>> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  readonly body: Uint8Array<ArrayBuffer>;
  readonly type: string;
}

/**
 * The package's static folder plus echarts from node_modules (no CDN: the UI works offline). Files
 * are read once into a map at startup and served by exact name, so no request path ever reaches
 * the file system: `..` and encoded slashes simply name nothing.
 */
export function staticFiles(): Hono {
  const files = new Map<string, string>(readdirSync(staticDir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => [e.name, path.join(staticDir, e.name)]));
  files.set('echarts.min.js', require.resolve('echarts/dist/echarts.min'));
  const assets = new Map<string, Asset>();
  for (const [name, file] of files) {
    const type = contentTypes[path.extname(name)];
    if (type !== undefined) assets.set(name, { body: new Uint8Array(readFileSync(file)), type });
  }
  // `no-cache` plus an ETag: revalidated on every load, re-sent only after a change.
  return new Hono().use('/static/*', etag()).get('/static/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (asset === undefined) throw notFound(`static file ${c.req.param('name')}`);
    c.header('Content-Type', asset.type);
    c.header('Cache-Control', 'no-cache');
    return c.body(asset.body);
  });
}
