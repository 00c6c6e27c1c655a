import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FeatureCache } from './feature-cache.ts';

const tempDir = () => mkdtempSync(path.join(os.tmpdir(), 'tlab-features-'));
const features = (seed: number, length = 1000) => Float32Array.from({ length }, (_, i) => Math.sin(seed * 1000 + i) * 3);

describe('FeatureCache', () => {
  it('returns what a later read returns, rounded to float16 by default', () => {
    const cache = new FeatureCache(tempDir());
    const original = features(1);
    const [stored] = cache.putMany([['a', original]]);
    const [read, missing] = cache.getMany(['a', 'b']);
    expect(read).toEqual(stored);
    expect(missing).toBeUndefined();
    expect(stored).not.toEqual(original);
    stored!.forEach((v, i) => expect(Math.abs(v - original[i]!)).toBeLessThanOrEqual(Math.abs(original[i]!) * 2 ** -11 + 1e-7));
    cache.close();
  });

  it('keeps float32 exactly when asked', () => {
    const cache = new FeatureCache(tempDir(), { precision: 'float32' });
    const original = features(2);
    cache.putMany([['a', original]]);
    expect(cache.getMany(['a'])[0]).toEqual(original);
    cache.close();
  });

  it('persists across reopening and reports its size', () => {
    const dir = tempDir();
    const first = new FeatureCache(dir);
    first.putMany([['a', features(1)], ['b', features(2)]]);
    first.close();
    const again = new FeatureCache(dir);
    expect(again.stats()).toMatchObject({ entries: 2, bytes: 4000 });
    expect(again.getMany(['b'])[0]).toHaveLength(1000);
    again.clear();
    expect(again.stats()).toMatchObject({ entries: 0, bytes: 0 });
    again.close();
  });

  it('evicts the least recently used entries past its budget', async () => {
    const cache = new FeatureCache(tempDir(), { budgetBytes: 5000 });
    cache.putMany([['old', features(1)], ['used', features(2)]]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    cache.getMany(['used']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    cache.putMany([['new', features(3)]]);
    const [old, used, fresh] = cache.getMany(['old', 'used', 'new']);
    expect(old).toBeUndefined();
    expect(used).toBeDefined();
    expect(fresh).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(5000);
    cache.close();
  });

  it('reports a full disk as TLAB_CACHE_FULL naming its folder and the way out, keeping what it had', () => {
    const dir = tempDir();
    // In a child under `ulimit -f 512` (512-byte blocks): writes past 256 KB fail as on a full disk.
    const script = `
      import { FeatureCache } from ${JSON.stringify(path.join(import.meta.dirname, 'feature-cache.ts'))};
      const cache = new FeatureCache(process.argv[1], { budgetBytes: 8 * 1024 ** 2 });
      cache.putMany([['kept', new Float32Array(1000)]]);
      try {
        cache.putMany(Array.from({ length: 200 }, (_, i) => ['more' + i, new Float32Array(1000)]));
      } catch (error) {
        console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message, stats: cache.stats() }));
      }`;
    const child = spawnSync('/bin/sh', ['-c', 'ulimit -f 512; exec "$@"', 'sh', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script, dir], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({
      name: 'FeatureCacheFullError',
      code: 'TLAB_CACHE_FULL',
      message: expect.stringMatching(new RegExp(`^feature cache ${dir}: the disk \\(or the file size limit\\) is full.*lower --cache-budget-mb \\(now 8\\).*--cache-dir$`)),
      stats: expect.objectContaining({ entries: 1, bytes: 2000 }),
    });
  });
});
