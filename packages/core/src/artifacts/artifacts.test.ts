import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { caughtTlabError } from '../testing/caught-tlab-error.ts';
import { artifactsDirOf, ArtifactStore } from './artifact-store.ts';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.ts';

/** A thrown error as a rejection, for caughtTlabError. */
const attempt = (work: () => unknown): Promise<unknown> => Promise.resolve().then(work);

const tensors: NamedTensor[] = [
  { name: 'output/kernel', shape: [3, 2], values: Float32Array.of(1, 2, 3, 4, 5, 6) },
  { name: 'dense/bias', shape: [2], values: Float32Array.of(-0.5, 0.25) },
];

describe('safetensors', () => {
  it('writes the documented layout: u64 header length, space-padded JSON header, little-endian data', () => {
    const bytes = Buffer.concat(encodeSafetensors({ tensors: [{ name: 'a', shape: [2], values: Float32Array.of(1, 2) }], metadata: { format: 'pt' } }));
    // Written out by hand from the format's description (github.com/huggingface/safetensors, "Format").
    const header = '{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    const padded = header.padEnd(Math.ceil(header.length / 8) * 8, ' ');
    const expected = Buffer.concat([Buffer.from([padded.length, 0, 0, 0, 0, 0, 0, 0]), Buffer.from(padded), Buffer.from([0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])]);
    expect(bytes).toEqual(expected);
  });

  it('round-trips tensors (sorted by name) and metadata, and gives the same bytes whatever the input order', () => {
    const bytes = Buffer.concat(encodeSafetensors({ tensors, metadata: { epoch: '3', format: 'tlab-checkpoint' } }));
    expect(Buffer.concat(encodeSafetensors({ tensors: [...tensors].reverse(), metadata: { format: 'tlab-checkpoint', epoch: '3' } }))).toEqual(bytes);
    const decoded = decodeSafetensors(bytes, 'x.safetensors');
    expect(decoded.metadata).toEqual({ epoch: '3', format: 'tlab-checkpoint' });
    expect(decoded.tensors.map((t) => [t.name, t.shape, Array.from(t.values)])).toEqual([
      ['dense/bias', [2], [-0.5, 0.25]],
      ['output/kernel', [3, 2], [1, 2, 3, 4, 5, 6]],
    ]);
  });

  it('refuses a torn or altered file with TLAB_ARTIFACT_CORRUPT naming it', async () => {
    const bytes = Buffer.concat(encodeSafetensors({ tensors, metadata: {} }));
    for (const damaged of [bytes.subarray(0, bytes.length - 4), bytes.subarray(0, 5), Buffer.concat([bytes, Buffer.from([1])])]) {
      const error = await caughtTlabError(attempt(() => decodeSafetensors(damaged, '/a/b.safetensors')));
      expect(error.code).toBe('TLAB_ARTIFACT_CORRUPT');
      expect(error.message).toContain('/a/b.safetensors');
    }
  });
});

describe('ArtifactStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlab-artifacts-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps one folder per DB file next to it', () => {
    expect(artifactsDirOf('/x/.tlab/tlab.db')).toBe('/x/.tlab/artifacts/tlab');
    expect(artifactsDirOf('/x/.tlab/other.db')).toBe('/x/.tlab/artifacts/other');
  });

  it('stores content under its sha256, once, and reads it back checked', () => {
    const store = new ArtifactStore(dir);
    const bytes = Buffer.from('weights');
    const ref = store.put([bytes]);
    expect(ref).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), bytes: 7 });
    expect(store.put([bytes])).toEqual(ref);
    expect(store.list()).toEqual([{ ...ref, file: store.fileOf(ref.sha256) }]);
    expect(store.read(ref, 'run r1')).toEqual(bytes);
    expect(fs.readdirSync(path.dirname(store.fileOf(ref.sha256)))).toEqual([`${ref.sha256}.safetensors`]);
  });

  it('reports a missing or altered artifact with its own code', async () => {
    const store = new ArtifactStore(dir);
    const ref = store.put([Buffer.from('wei'), Buffer.from('ghts')]);
    fs.writeFileSync(store.fileOf(ref.sha256), 'tampered');
    expect((await caughtTlabError(attempt(() => store.read(ref, 'run r1')))).code).toBe('TLAB_ARTIFACT_CORRUPT');
    fs.rmSync(store.fileOf(ref.sha256));
    const missing = await caughtTlabError(attempt(() => store.read(ref, 'checkpoint of run r1')));
    expect(missing.code).toBe('TLAB_ARTIFACT_MISSING');
    expect(missing.message).toContain('checkpoint of run r1');
  });

  it('refuses, unread, an artifact replaced by a folder, a device or a file of another size', async () => {
    const store = new ArtifactStore(dir);
    const ref = store.put([Buffer.from('weights')]);
    const file = store.fileOf(ref.sha256);
    const messageAfter = async (replace: () => void) => {
      fs.rmSync(file, { recursive: true, force: true });
      replace();
      const error = await caughtTlabError(attempt(() => store.read(ref, 'run r1')));
      expect(error.code).toBe('TLAB_ARTIFACT_CORRUPT');
      return error.message.split('. Run')[0];
    };
    expect([
      await messageAfter(() => fs.symlinkSync('/dev/zero', file)),
      await messageAfter(() => fs.mkdirSync(file)),
      await messageAfter(() => fs.writeFileSync(file, 'weights, and more')),
    ]).toEqual([
      `artifact ${file} is damaged: it is a character device, not a file`,
      `artifact ${file} is damaged: it is a folder, not a file`,
      `artifact ${file} is damaged: it holds 17 bytes, the run recorded 7`,
    ]);
  });

  it('removes unreferenced artifacts and leftover temporary files once past the grace period', () => {
    const store = new ArtifactStore(dir);
    const kept = store.put([Buffer.from('kept')]);
    const orphan = store.put([Buffer.from('orphan')]);
    const leftover = path.join(path.dirname(store.fileOf(kept.sha256)), '.tmp-0123');
    fs.writeFileSync(leftover, 'torn');
    expect(store.removeUnreferenced(new Set([kept.sha256]), 60_000)).toEqual({ removed: 0, bytes: 0 });
    expect(store.removeUnreferenced(new Set([kept.sha256]), 0)).toEqual({ removed: 2, bytes: orphan.bytes + 4 });
    expect(store.list().map((a) => a.sha256)).toEqual([kept.sha256]);
    expect(fs.existsSync(leftover)).toBe(false);
  });
});
