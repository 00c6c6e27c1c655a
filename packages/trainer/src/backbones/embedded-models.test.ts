import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackboneInvalidError } from './backbone-errors.ts';
import { decodeShards } from './embedded-models.ts';

describe('decodeShards', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tlab-shard-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A shard module shaped like nsfwjs's: a UMD wrapper around one base64 string export. */
  async function shard(name: string, exported: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, `!function(V){module.exports=V()}(function(){return function(r,e,n){e.exports=${exported}}({},{exports:{}})});`, 'latin1');
    return file;
  }

  it("decodes the shards' exported base64 strings, in order, into one buffer", async () => {
    const first = Buffer.from([0, 1, 2, 250, 251, 252, 253]);
    const second = Buffer.from([7, 8, 9, 10, 11, 12]);
    const files = [await shard('a.min.js', `"${first.toString('base64')}"`), await shard('b.min.js', `"${second.toString('base64')}"`)];
    expect(decodeShards(files)).toEqual(Buffer.concat([first, second]));
  });

  it('rejects a string with a character outside the base64 alphabet, which the decoder would skip', async () => {
    const files = [await shard('good.min.js', '"QUJD"'), await shard('bad.min.js', '"QUJD$RA=="')];
    expect(() => decodeShards(files)).toThrow(BackboneInvalidError);
    expect(() => decodeShards(files)).toThrow(/bad\.min\.js.*not base64/);
  });

  it('rejects a module that exports no string', async () => {
    const file = await shard('none.min.js', 'null');
    expect(() => decodeShards([file])).toThrow(/none\.min\.js.*does not export a base64 string/);
  });
});
