import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTlabError } from '@tlab/core';
import type { BackboneConfig } from './backbone.ts';
import { UnknownLayerError } from './backbone-errors.ts';
import { backboneLayerNames, backboneWeightsHash, loadBackbone, validateBackboneConfig } from './load-backbone.ts';

/**
 * Writes `model` the way tfjs's file handlers do (model.json + binary shards), but split into
 * `shards` files so multi-shard reading is exercised too.
 */
async function saveLayersModel(model: tf.LayersModel, dir: string, shards = 2): Promise<string> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (saved) => {
    artifacts = saved;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const bytes = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts!.weightData!));
  const size = Math.ceil(bytes.length / shards);
  const paths: string[] = [];
  for (let i = 0; i < shards; i++) {
    const shard = `group1-shard${i + 1}of${shards}.bin`;
    await writeFile(path.join(dir, shard), bytes.subarray(i * size, (i + 1) * size));
    paths.push(shard);
  }
  const modelJson = path.join(dir, 'model.json');
  const json = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts!.modelTopology,
    weightsManifest: [{ paths, weights: artifacts!.weightSpecs }],
  };
  await writeFile(modelJson, JSON.stringify(json));
  return modelJson;
}

/** image → stem → (left, right) → merged → pooled → logits: a side branch, a join and a head past any cutoff. */
function branchyModel(): tf.LayersModel {
  const image = tf.input({ shape: [10, 10, 3], name: 'image' });
  const conv = (name: string, filters: number) =>
    tf.layers.conv2d({ name, filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: filters }) });
  const stem = conv('stem', 4).apply(image) as tf.SymbolicTensor;
  const left = conv('left', 5).apply(stem) as tf.SymbolicTensor;
  const right = conv('right', 6).apply(stem) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate({ name: 'merged' }).apply([left, right]) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(merged) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'logits', units: 2 }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: image, outputs: logits, name: 'branchy' });
}

describe('a user model.json as backbone', () => {
  let dir: string;
  let source: tf.LayersModel;
  let modelJson: string;
  const fromPath = (cutoff: string, file = modelJson, trainable_from?: string): BackboneConfig => ({
    name: 'inception_v3',
    path: file,
    cutoff,
    trainable_from,
  });

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(tmpdir(), 'tlab-backbone-'));
    source = branchyModel();
    modelJson = await saveLayersModel(source, dir);
  });

  afterAll(async () => {
    source.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips: the cut backbone computes exactly what the saved model computes at that layer', async () => {
    const backbone = await loadBackbone(fromPath('merged'), [10, 10]);
    expect(backbone.name).toBe(modelJson);
    expect(backbone.featureShape).toEqual([10, 10, 11]);
    expect(backbone.model.layers.map((layer) => layer.name)).toEqual(['image', 'stem', 'left', 'right', 'merged']);
    expect(backbone.model.trainableWeights).toHaveLength(0);
    const reference = tf.model({ inputs: source.inputs, outputs: source.getLayer('merged').output as tf.SymbolicTensor });
    const x = tf.randomUniform([2, 10, 10, 3], 0, 1, 'float32', 5);
    const [expected, actual] = tf.tidy(() => [reference.predict(x) as tf.Tensor, backbone.model.predict(x) as tf.Tensor]);
    expect(await actual!.data()).toEqual(await expected!.data());
    tf.dispose([x, expected!, actual!]);
    backbone.dispose();
  });

  it('drops the branches and weights the cutoff does not need, and rebuilds at another image size', async () => {
    const backbone = await loadBackbone(fromPath('left'), [24, 16]);
    expect(backbone.model.layers.map((layer) => layer.name)).toEqual(['image', 'stem', 'left']);
    expect(backbone.model.weights.map((weight) => weight.originalName)).toEqual(['stem/kernel', 'stem/bias', 'left/kernel', 'left/bias']);
    expect(backbone.featureShape).toEqual([24, 16, 5]);
    backbone.dispose();
  });

  it('lists every layer, and answers an unknown cutoff with a suggestion and the clean cut points', async () => {
    expect(await backboneLayerNames(fromPath('merged'))).toEqual(['stem', 'left', 'right', 'merged', 'pooled', 'logits']);
    const error = await loadBackbone(fromPath('merge'), [10, 10]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownLayerError);
    expect((error as UnknownLayerError).code).toBe('TLAB_UNKNOWN_LAYER');
    const message = (error as Error).message;
    expect(message).toContain(modelJson);
    expect(message).toContain("'merge'");
    expect(message).toContain("Did you mean 'merged'?");
    // left and right are inside the fork, so they are not clean places to cut.
    expect(message).toContain('Useful cutoffs: stem, merged, pooled, logits; any of its 2 other layers also works');
  });

  it('hashes content, not location, and changes with a single weight byte', async () => {
    const hash = await backboneWeightsHash(fromPath('merged'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const backbone = await loadBackbone(fromPath('stem'), [10, 10]);
    expect(backbone.weightsHash).toBe(hash);
    backbone.dispose();

    const copy = await mkdtemp(path.join(dir, 'copy-'));
    for (const file of ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']) await cp(path.join(dir, file), path.join(copy, file));
    const copiedJson = path.join(copy, 'model.json');
    expect(await backboneWeightsHash(fromPath('merged', copiedJson))).toBe(hash);
    const shard = path.join(copy, 'group1-shard2of2.bin');
    const bytes = await readFile(shard);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(shard, bytes);
    expect(await backboneWeightsHash(fromPath('merged', copiedJson))).not.toBe(hash);
  });

  it('validates trainable_from against the cut, without weights', async () => {
    await expect(validateBackboneConfig(fromPath('merged', modelJson, 'left'))).resolves.toEqual({ rescalingLayers: [] });
    await expect(validateBackboneConfig(fromPath('right', modelJson, 'left'))).rejects.toMatchObject({
      code: 'TLAB_BAD_TRAINABLE_FROM',
      message: expect.stringContaining('does not feed the cutoff') as unknown,
    });
    await expect(validateBackboneConfig(fromPath('merged', modelJson, 'logits'))).rejects.toMatchObject({
      code: 'TLAB_BAD_TRAINABLE_FROM',
      message: expect.stringContaining("comes after the cutoff 'merged'") as unknown,
    });
    await expect(validateBackboneConfig(fromPath('merged', modelJson, 'rigth'))).rejects.toMatchObject({
      code: 'TLAB_UNKNOWN_LAYER',
      message: expect.stringContaining("backbone.trainable_from: backbone") as unknown,
    });
    const backbone = await loadBackbone(fromPath('merged', modelJson, 'right'), [10, 10]);
    expect(backbone.model.layers.filter((layer) => layer.trainable).map((layer) => layer.name)).toEqual(['right', 'merged']);
    backbone.dispose();
  });

  it('loads a Sequential model and reports a Rescaling layer that would scale pixels twice', async () => {
    const sequential = tf.sequential({
      name: 'seq',
      layers: [
        tf.layers.rescaling({ name: 'rescale', scale: 1 / 255, inputShape: [8, 8, 3] }),
        tf.layers.conv2d({ name: 'features', filters: 3, kernelSize: 3, activation: 'relu' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ name: 'out', units: 1 }),
      ],
    });
    const seqDir = await mkdtemp(path.join(dir, 'seq-'));
    const seqJson = await saveLayersModel(sequential, seqDir, 1);
    await expect(validateBackboneConfig(fromPath('features', seqJson))).resolves.toEqual({ rescalingLayers: ['rescale'] });
    const backbone = await loadBackbone(fromPath('features', seqJson), [12, 12]);
    expect(backbone.featureShape).toEqual([10, 10, 3]);
    expect(backbone.model.layers.map((layer) => layer.name)).toEqual(['rescale', 'features']);
    const error = await loadBackbone(fromPath('feature', seqJson), [8, 8]).catch((e: unknown) => e);
    expect((error as Error).message).toContain('Useful cutoffs: rescale, features, flat, out.');
    backbone.dispose();
    sequential.dispose();
  });

  it('names the missing or broken file', async () => {
    const missing = path.join(dir, 'nope', 'model.json');
    await expect(loadBackbone(fromPath('stem', missing), [10, 10])).rejects.toMatchObject({
      code: 'TLAB_BACKBONE_NOT_FOUND',
      message: expect.stringContaining(missing) as unknown,
    });

    const broken = await mkdtemp(path.join(dir, 'broken-'));
    const brokenJson = path.join(broken, 'model.json');
    await writeFile(brokenJson, '{ "modelTopology": ');
    await expect(backboneLayerNames(fromPath('stem', brokenJson))).rejects.toMatchObject({
      code: 'TLAB_BACKBONE_INVALID',
      message: expect.stringContaining(brokenJson) as unknown,
    });

    await writeFile(brokenJson, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
    await expect(backboneLayerNames(fromPath('stem', brokenJson))).rejects.toMatchObject({
      code: 'TLAB_BACKBONE_INVALID',
      message: expect.stringContaining('graph model') as unknown,
    });

    const json = JSON.parse(await readFile(modelJson, 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
    await writeFile(brokenJson, JSON.stringify(json));
    const error = await loadBackbone(fromPath('stem', brokenJson), [10, 10]).catch((e: unknown) => e);
    expect(isTlabError(error, 'TLAB_BACKBONE_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(path.join(broken, 'group1-shard1of2.bin'));

    await cp(path.join(dir, 'group1-shard1of2.bin'), path.join(broken, 'group1-shard1of2.bin'));
    await writeFile(path.join(broken, 'group1-shard2of2.bin'), new Uint8Array(4));
    await expect(loadBackbone(fromPath('stem', brokenJson), [10, 10])).rejects.toMatchObject({
      code: 'TLAB_BACKBONE_INVALID',
      message: expect.stringMatching(/weight specs describe \d+ bytes but its weight files hold \d+/) as unknown,
    });
  });
});
