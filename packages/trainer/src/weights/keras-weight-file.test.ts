import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import type { FileOptions, Group, File as H5File } from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureZip } from '../../test/fixture-zip.ts';
import { sharedPath } from '@tlab/core/testing';
import { readKerasWeightFile, type StoredLayerWeights } from './keras-weight-file.ts';
import { WeightsInvalidError, WeightsNotFoundError } from './weights-errors.ts';
import { writeKerasWeightsH5 } from './write-keras-h5.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tlab-keras-weights-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Creates an HDF5 file with h5wasm and lets `build` fill it. */
async function writeHdf5(file: string, build: (h5: H5File) => void, options?: FileOptions): Promise<string> {
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'w', options);
  try {
    build(h5);
  } finally {
    h5.close();
  }
  return file;
}

/** Fixed-length ASCII names, as h5py stores a numpy bytes array. */
function nameList(node: Group, name: string, names: readonly string[]): void {
  node.create_attribute(name, [...names], [names.length], `A${Math.max(...names.map((entry) => entry.length)) + 1}`);
}

/** A zip (stored entries) written by the data tests' hand-made zip writer. */
async function writeZip(file: string, entries: ReadonlyArray<readonly [string, Buffer]>): Promise<string> {
  await writeFile(file, fixtureZip(entries.map(([name, data]) => ({ name, data }))));
  return file;
}

/** A .keras zip of a Sequential model with `layers` ([class, name]) and the model.weights.h5 built by `build`. */
async function writeKerasZip(name: string, layers: ReadonlyArray<readonly [string, string]>, build: (h5: H5File) => void): Promise<string> {
  const weights = await writeHdf5(path.join(dir, `${name}.weights.h5`), build);
  const config = {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'sequential', layers: layers.map(([className, layer]) => ({ module: 'keras.layers', class_name: className, config: { name: layer } })) },
  };
  return writeZip(path.join(dir, `${name}.keras`), [
    ['metadata.json', Buffer.from(JSON.stringify({ keras_version: '3.4.1', date_saved: '2025-01-01@00:00:00' }))],
    ['config.json', Buffer.from(JSON.stringify(config))],
    ['model.weights.h5', await readFile(weights)],
  ]);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const ramp = (length: number, scale: number) => Float32Array.from({ length }, (_, i) => (i - length / 3) * scale);
const summary = (layers: readonly StoredLayerWeights[]) => layers.map(({ layer, weights }) => [layer, weights.map(({ name, shape }) => [name, shape])]);

describe('writeKerasWeightsH5 → readKerasWeightFile', () => {
  it('round-trips names, shapes and exact values in the Keras 2 weights-only layout, dropping layers without weights', async () => {
    const file = path.join(dir, 'round-trip.h5');
    await writeKerasWeightsH5(file, [
      {
        layer: 'conv2d_1',
        weights: [
          { name: 'kernel', shape: [3, 3, 2, 4], values: ramp(72, 1e-3) },
          { name: 'bias', shape: [4], values: new Float32Array([1e-30, -0.5, 3.4e38, -0]) },
        ],
      },
      { layer: 'max_pooling2d_1', weights: [] },
      { layer: 'dense_1', weights: [{ name: 'dense_1/scale:0', shape: [], values: new Float32Array([2.5]) }] },
    ]);

    const read = await readKerasWeightFile(file);
    expect(read.format).toBe('h5-weights');
    expect(read.kerasVersion).toBe('2.1.6');
    expect(summary(read.layers)).toEqual([
      ['conv2d_1', [['conv2d_1/kernel:0', [3, 3, 2, 4]], ['conv2d_1/bias:0', [4]]]],
      ['dense_1', [['dense_1/scale:0', []]]],
    ]);
    expect(read.layers[0]!.weights[0]!.values).toEqual(ramp(72, 1e-3));
    expect(read.layers[0]!.weights[1]!.values).toEqual(new Float32Array([1e-30, -0.5, 3.4e38, -0]));
    expect(read.layers[1]!.weights[0]!.values).toEqual(new Float32Array([2.5]));

    // Keras 2 nests the weight under its own name: <layer>/<layer>/kernel:0; the empty layer keeps its group.
    await h5wasm.ready;
    const h5 = new h5wasm.File(file, 'r');
    try {
      expect(h5.keys()).toEqual(['conv2d_1', 'dense_1', 'max_pooling2d_1']);
      expect(h5.get('conv2d_1/conv2d_1/kernel:0')).toBeInstanceOf(h5wasm.Dataset);
      expect(h5.get_attribute('backend', false)).toBe('tensorflow');
      expect(h5.get_attribute('layer_names', false)).toEqual(['conv2d_1', 'max_pooling2d_1', 'dense_1']);
    } finally {
      h5.close();
    }
  });

  it('splits a layer_names bigger than an HDF5 object header into layer_names0, layer_names1 like Keras, and reads them back in order', async () => {
    const file = path.join(dir, 'chunked.h5');
    // 600 names of 120 characters: 72,600 bytes, more than the 64,512 Keras allows in one attribute.
    const layers = Array.from({ length: 600 }, (_, i) => ({ layer: `block_${i}_`.padEnd(120, 'x'), weights: [{ name: 'bias', shape: [1], values: new Float32Array([i]) }] }));
    await writeKerasWeightsH5(file, layers, { kerasVersion: '2.2.4' });

    const h5 = new h5wasm.File(file, 'r');
    try {
      expect(Object.keys(h5.attrs).sort()).toEqual(['backend', 'keras_version', 'layer_names0', 'layer_names1']);
    } finally {
      h5.close();
    }
    const read = await readKerasWeightFile(file);
    expect(read.kerasVersion).toBe('2.2.4');
    expect(read.layers.map(({ layer }) => layer)).toEqual(layers.map(({ layer }) => layer));
    expect(read.layers[599]!.weights[0]!.values).toEqual(new Float32Array([599]));
  });

  it('refuses a weight whose values do not fill its shape', async () => {
    const error = await rejection(writeKerasWeightsH5(path.join(dir, 'bad-shape.h5'), [{ layer: 'dense', weights: [{ name: 'kernel', shape: [2, 3], values: new Float32Array(5) }] }]));
    expect(error.message).toContain('dense/kernel has shape [2, 3] but 5 values');
  });
});

describe('readKerasWeightFile on hand-made HDF5 layouts', () => {
  it('reads a Keras 3 model.save h5: model_weights with bare weight names, ignoring optimizer_weights', async () => {
    const file = await writeHdf5(path.join(dir, 'full-model.h5'), (h5) => {
      h5.create_attribute('model_config', '{"class_name": "Sequential"}');
      const weights = h5.create_group('model_weights');
      weights.create_attribute('keras_version', '3.1.1');
      nameList(weights, 'layer_names', ['flatten', 'dense']);
      weights.create_group('flatten').create_attribute('weight_names', new Float64Array(0), [0]);
      const dense = weights.create_group('dense');
      nameList(dense, 'weight_names', ['kernel', 'bias']);
      dense.create_dataset({ name: 'bias', data: new Float32Array([0.5, -0.5]), dtype: '<f' });
      dense.create_dataset({ name: 'kernel', data: ramp(6, 0.25), shape: [3, 2], dtype: '<f' });
      weights.create_group('top_level_model_weights').create_attribute('weight_names', new Float64Array(0), [0]);
      // Integer state that must never be read as a layer weight.
      const optimizer = h5.create_group('optimizer_weights');
      nameList(optimizer, 'weight_names', ['iteration']);
      optimizer.create_dataset({ name: 'iteration', data: new Int32Array([7]), dtype: '<i' });
    });

    const read = await readKerasWeightFile(file);
    expect(read.format).toBe('h5-model');
    expect(read.kerasVersion).toBe('3.1.1');
    expect(summary(read.layers)).toEqual([['dense', [['kernel', [3, 2]], ['bias', [2]]]]]);
    expect(read.layers[0]!.weights[0]!.values).toEqual(ramp(6, 0.25));
  });

  it('widens float64 and float16 weights to float32', async () => {
    const file = path.join(dir, 'half.h5');
    // Raw IEEE halves: 1, -2.5, smallest normal, smallest subnormal, largest finite, -inf, ≈1/3, 0, -0, 3.140625, NaN, 1.
    const halves = new Uint16Array([0x3c00, 0xc100, 0x0400, 0x0001, 0x7bff, 0xfc00, 0x3555, 0x0000, 0x8000, 0x4248, 0x7e00, 0x3c00]);
    // h5wasm cannot write float16, so a float32 [2, 3] dataset holding those bytes is relabelled as a
    // float16 [4, 3] one. libver 'earliest' keeps object headers free of checksums so the patch is valid.
    await writeHdf5(
      file,
      (h5) => {
        nameList(h5, 'layer_names', ['mixed']);
        const mixed = h5.create_group('mixed');
        nameList(mixed, 'weight_names', ['mixed/half:0', 'mixed/double:0']);
        const inner = mixed.create_group('mixed');
        inner.create_dataset({ name: 'half:0', data: new Float32Array(halves.buffer), shape: [2, 3], dtype: '<f' });
        inner.create_dataset({ name: 'double:0', data: [0.1, -1e-40, 1e300], dtype: '<d' });
      },
      { libver: ['earliest', 'v108'] },
    );
    const bytes = await readFile(file);
    const patch = (from: string, to: string) => {
      const at = bytes.indexOf(Buffer.from(from, 'hex'));
      if (at < 0 || bytes.indexOf(Buffer.from(from, 'hex'), at + 1) >= 0) throw new Error(`the fixture has no single ${from}`);
      Buffer.from(to, 'hex').copy(bytes, at);
    };
    // Datatype message: IEEE float32 LE → IEEE float16 LE (size, sign bit, precision, exponent and mantissa fields, bias).
    patch('11201f000400000000002000170800177f000000', '11200f000200000000001000' + '0a05000a0f000000');
    // Dataspace message: dims and max dims [2, 3] → [4, 3].
    patch('0200000000000000030000000000000002000000000000000300000000000000', '0400000000000000030000000000000004000000000000000300000000000000');
    await writeFile(file, bytes);

    const [layer] = (await readKerasWeightFile(file)).layers;
    expect(layer!.weights.map(({ shape }) => shape)).toEqual([[4, 3], [3]]);
    expect(layer!.weights[0]!.values).toEqual(
      new Float32Array([1, -2.5, 2 ** -14, 2 ** -24, 65504, -Infinity, 0.333251953125, 0, -0, 3.140625, Number.NaN, 1]),
    );
    expect(layer!.weights[1]!.values).toEqual(new Float32Array([0.1, -1e-40, 1e300]));
  });

  it('rejects integer weights, naming the dataset', async () => {
    const file = await writeHdf5(path.join(dir, 'integers.h5'), (h5) => {
      nameList(h5, 'layer_names', ['embedding']);
      const layer = h5.create_group('embedding');
      nameList(layer, 'weight_names', ['ids']);
      layer.create_dataset({ name: 'ids', data: new Int32Array([1, 2, 3]), dtype: '<i' });
    });
    const error = await rejection(readKerasWeightFile(file));
    expect(error).toBeInstanceOf(WeightsInvalidError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('/embedding/ids holds 32-bit integers');
  });

  it('rejects a listed layer group or weight dataset that is not there', async () => {
    const noGroup = await writeHdf5(path.join(dir, 'no-group.h5'), (h5) => nameList(h5, 'layer_names', ['ghost']));
    expect((await rejection(readKerasWeightFile(noGroup))).message).toContain('layer_names lists ghost, but /ghost is not a group');

    // Keras resolves a weight name relative to its layer group only; a bare name needs its dataset right there.
    const noDataset = await writeHdf5(path.join(dir, 'no-dataset.h5'), (h5) => {
      nameList(h5, 'layer_names', ['dense']);
      const dense = h5.create_group('dense');
      nameList(dense, 'weight_names', ['kernel']);
      dense.create_group('dense').create_dataset({ name: 'kernel', data: new Float32Array(1), dtype: '<f' });
    });
    const error = await rejection(readKerasWeightFile(noDataset));
    expect(error).toBeInstanceOf(WeightsInvalidError);
    expect(error.message).toContain('layer dense lists the weight kernel, but /dense/kernel is not a dataset');
  });
});

describe('readKerasWeightFile on hand-made .keras zips', () => {
  it('finds each layer under the class-based path Keras 3 saves it at, whatever its name, with vars in numeric order', async () => {
    const file = await writeKerasZip(
      'renamed',
      [['InputLayer', 'image'], ['Conv2D', 'stem'], ['MaxPooling2D', 'pool'], ['Conv2D', 'mixer'], ['DepthwiseConv2D', 'dw'], ['BatchNormalization', 'norm'], ['Dense', 'head']],
      (h5) => {
        const layers = h5.create_group('layers');
        const vars = (key: string, values: readonly Float32Array[]) => {
          const group = layers.create_group(key).create_group('vars');
          values.forEach((data, index) => group.create_dataset({ name: String(index), data, dtype: '<f' }));
        };
        vars('conv2d', [ramp(4, 1), ramp(2, 2)]);
        vars('max_pooling2d', []);
        vars('conv2d_1', [ramp(3, 3)]);
        vars('depthwise_conv2d', [ramp(2, 4)]);
        vars('batch_normalization', Array.from({ length: 11 }, (_, i) => new Float32Array([i])));
        vars('dense', [ramp(5, 5)]);
        h5.create_group('optimizer').create_group('vars').create_dataset({ name: '0', data: new Int32Array([9]), dtype: '<i' });
      },
    );

    const read = await readKerasWeightFile(file);
    expect(read.format).toBe('keras-zip');
    expect(read.kerasVersion).toBe('3.4.1');
    expect(read.layers.map(({ layer, weights }) => [layer, weights.length])).toEqual([['stem', 2], ['mixer', 1], ['dw', 1], ['norm', 11], ['head', 1]]);
    expect(read.layers[0]!.weights.map(({ name, values }) => [name, values])).toEqual([['vars/0', ramp(4, 1)], ['vars/1', ramp(2, 2)]]);
    expect(read.layers[1]!.weights[0]!.values).toEqual(ramp(3, 3));
    expect(read.layers[2]!.weights[0]!.values).toEqual(ramp(2, 4));
    expect(read.layers[3]!.weights.map(({ values }) => values[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(read.layers[4]!.weights[0]!.values).toEqual(ramp(5, 5));
  });
});

describe('readKerasWeightFile refusing weights it cannot place', () => {
  it('rejects weights of the model itself: top_level_model_weights (h5) and the root vars (.keras)', async () => {
    const h5 = await writeHdf5(path.join(dir, 'top-level.h5'), (file) => {
      const weights = file.create_group('model_weights');
      nameList(weights, 'layer_names', ['dense']);
      const dense = weights.create_group('dense');
      nameList(dense, 'weight_names', ['kernel']);
      dense.create_dataset({ name: 'kernel', data: new Float32Array(2), dtype: '<f' });
      const topLevel = weights.create_group('top_level_model_weights');
      nameList(topLevel, 'weight_names', ['scale']);
      topLevel.create_dataset({ name: 'scale', data: new Float32Array(1), dtype: '<f' });
    });
    const h5Error = await rejection(readKerasWeightFile(h5));
    expect(h5Error).toBeInstanceOf(WeightsInvalidError);
    expect(h5Error.message).toContain('it holds weights of the model itself (top_level_model_weights)');

    const zip = await writeKerasZip('own-vars', [['Dense', 'dense']], (file) => {
      file.create_group('layers').create_group('dense').create_group('vars').create_dataset({ name: '0', data: new Float32Array(2), dtype: '<f' });
      file.create_group('vars').create_dataset({ name: '0', data: new Float32Array(1), dtype: '<f' });
    });
    const zipError = await rejection(readKerasWeightFile(zip));
    expect(zipError).toBeInstanceOf(WeightsInvalidError);
    expect(zipError.message).toContain('it holds weights of the model itself (the vars of its model.weights.h5)');
  });

  it('rejects a nested model in a .keras rather than dropping its weights', async () => {
    const file = await writeKerasZip('nested', [['Functional', 'backbone']], (h5) => {
      const inner = h5.create_group('layers').create_group('functional');
      inner.create_group('vars');
      inner.create_group('layers').create_group('dense').create_group('vars').create_dataset({ name: '0', data: new Float32Array(2), dtype: '<f' });
    });
    const error = await rejection(readKerasWeightFile(file));
    expect(error).toBeInstanceOf(WeightsInvalidError);
    expect(error.message).toContain('layer backbone keeps weights in nested layers (/layers/functional/layers)');
  });
});

describe('readKerasWeightFile errors', () => {
  it('answers a missing path and a folder with TLAB_WEIGHTS_NOT_FOUND', async () => {
    const missing = path.join(dir, 'nowhere.h5');
    const notFound = await rejection(readKerasWeightFile(missing));
    expect(notFound).toBeInstanceOf(WeightsNotFoundError);
    expect(notFound).toMatchObject({ code: 'TLAB_WEIGHTS_NOT_FOUND' });
    expect(notFound.message).toBe(`backbone.weights: cannot read ${missing}: no such file.`);

    const folder = path.join(dir, 'weights.h5');
    await mkdir(folder);
    const isFolder = await rejection(readKerasWeightFile(folder));
    expect(isFolder).toBeInstanceOf(WeightsNotFoundError);
    expect(isFolder.message).toContain(`cannot read ${folder}: it is a folder`);
  });

  it('answers an empty file and a file that is neither HDF5 nor zip with TLAB_WEIGHTS_INVALID', async () => {
    const empty = path.join(dir, 'empty.h5');
    await writeFile(empty, '');
    const emptyError = await rejection(readKerasWeightFile(empty));
    expect(emptyError).toBeInstanceOf(WeightsInvalidError);
    expect(emptyError).toMatchObject({ code: 'TLAB_WEIGHTS_INVALID' });
    expect(emptyError.message).toContain(`${empty} is not a usable`);
    expect(emptyError.message).toContain('the file is empty');

    const json = path.join(dir, 'model.json.h5');
    await writeFile(json, '{"format": "layers-model"}');
    const jsonError = await rejection(readKerasWeightFile(json));
    expect(jsonError).toBeInstanceOf(WeightsInvalidError);
    expect(jsonError.message).toContain(json);
    expect(jsonError.message).toContain('found a file starting with bytes 7b22666f726d6174');
  });

  it('answers an HDF5 file without layer_names, and a truncated one, with TLAB_WEIGHTS_INVALID', async () => {
    const file = await writeHdf5(path.join(dir, 'no-layer-names.h5'), (h5) => {
      h5.create_attribute('creator', 'not keras');
      h5.create_group('data').create_dataset({ name: 'x', data: new Float32Array(4096), dtype: '<f' });
    });
    const error = await rejection(readKerasWeightFile(file));
    expect(error).toBeInstanceOf(WeightsInvalidError);
    expect(error.message).toContain(file);
    expect(error.message).toContain('expected a root attribute layer_names (model.save_weights) or a model_weights group (model.save), found neither');
    expect(error.message).toContain('root attributes: creator; root entries: data');

    // HDF5 prints its error stack for this one to stderr; the reader still answers with its own error.
    const truncated = path.join(dir, 'truncated.h5');
    await writeFile(truncated, (await readFile(file)).subarray(0, 1024));
    const truncatedError = await rejection(readKerasWeightFile(truncated));
    expect(truncatedError).toBeInstanceOf(WeightsInvalidError);
    expect(truncatedError.message).toContain(`${truncated} is not a usable`);
  });

  it('answers a zip without model.weights.h5, and a broken zip, with TLAB_WEIGHTS_INVALID', async () => {
    const noWeights = await writeZip(path.join(dir, 'no-weights.keras'), [
      ['config.json', Buffer.from('{"config": {"layers": []}}')],
      ['model.weights.npz', Buffer.from('not h5')],
    ]);
    const error = await rejection(readKerasWeightFile(noWeights));
    expect(error).toBeInstanceOf(WeightsInvalidError);
    expect(error.message).toContain(noWeights);
    expect(error.message).toContain('expected a Keras 3 .keras zip holding config.json and model.weights.h5, found the entries config.json, model.weights.npz');

    const broken = path.join(dir, 'broken.keras');
    await writeFile(broken, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(100, 7)]));
    const brokenError = await rejection(readKerasWeightFile(broken));
    expect(brokenError).toBeInstanceOf(WeightsInvalidError);
    expect(brokenError.message).toContain(`${broken} is not a usable`);
    expect(brokenError.message).toContain('not a readable one');
    expect(brokenError.cause).toBeInstanceOf(Error);
  });
});

const fixtures = sharedPath('fixtures/keras-h5');

describe.skipIf(fixtures === undefined)('Keras weight files written by Keras (needs ../shared/fixtures)', () => {
  const fixture = (name: string) => path.join(fixtures as string, name);

  it('reads keras.applications MobileNet 0.25 no-top, Keras 2.0.4 save_weights (needs ../shared/fixtures)', async () => {
    const read = await readKerasWeightFile(fixture('mobilenet_2_5_224_tf_no_top.h5'));
    expect(read.format).toBe('h5-weights');
    expect(read.kerasVersion).toBe('2.0.4');
    // conv1 + conv1_bn, then 13 blocks of depthwise, its BN, pointwise, its BN; the 29 others (input, ReLUs, paddings) hold none.
    expect(read.layers).toHaveLength(2 + 13 * 4);
    expect(read.layers.map(({ layer }) => layer).slice(0, 6)).toEqual(['conv1', 'conv1_bn', 'conv_dw_1', 'conv_dw_1_bn', 'conv_pw_1', 'conv_pw_1_bn']);
    expect(read.layers.at(-1)!.layer).toBe('conv_pw_13_bn');
    expect(summary(read.layers.slice(0, 3))).toEqual([
      ['conv1', [['conv1/kernel:0', [3, 3, 3, 8]]]],
      ['conv1_bn', [['conv1_bn/gamma:0', [8]], ['conv1_bn/beta:0', [8]], ['conv1_bn/moving_mean:0', [8]], ['conv1_bn/moving_variance:0', [8]]]],
      ['conv_dw_1', [['conv_dw_1/depthwise_kernel:0', [3, 3, 8, 1]]]],
    ]);
    const parameters = read.layers.flatMap(({ weights }) => weights).reduce((sum, { values }) => sum + values.length, 0);
    expect(parameters).toBe(218_544);
    // Read in the right order, every moving variance is positive and the moving means are not.
    const batchNorms = read.layers.filter(({ layer }) => layer.endsWith('_bn'));
    expect(batchNorms).toHaveLength(27);
    expect(batchNorms.every(({ weights }) => weights[3]!.values.every((variance) => variance > 0))).toBe(true);
    expect(batchNorms.some(({ weights }) => weights[2]!.values.some((mean) => mean < 0))).toBe(true);
  });

  it('reads the Keras 3.1.1 model.save h5 of an MNIST CNN without its optimizer weights (needs ../shared/fixtures)', async () => {
    const read = await readKerasWeightFile(fixture('moonflower_mnist_model.h5'));
    expect(read.format).toBe('h5-model');
    expect(read.kerasVersion).toBe('3.1.1');
    expect(summary(read.layers)).toEqual([
      ['conv2d', [['kernel', [3, 3, 1, 32]], ['bias', [32]]]],
      ['conv2d_1', [['kernel', [3, 3, 32, 64]], ['bias', [64]]]],
      ['dense', [['kernel', [1600, 10]], ['bias', [10]]]],
    ]);
    // 320 + 18,496 + 16,010 model parameters; Adam's momenta and velocities would double that.
    expect(read.layers.flatMap(({ weights }) => weights).reduce((sum, { values }) => sum + values.length, 0)).toBe(34_826);
  });

  it('reads the .keras zip of the same MNIST CNN with the same layers and shapes (needs ../shared/fixtures)', async () => {
    const h5 = await readKerasWeightFile(fixture('moonflower_mnist_model.h5'));
    const zip = await readKerasWeightFile(fixture('moonflower_mnist_model.keras'));
    expect(zip.format).toBe('keras-zip');
    expect(zip.kerasVersion).toBe('3.1.1');
    expect(zip.layers.map(({ layer, weights }) => [layer, weights.map(({ name, shape }) => [name, shape])])).toEqual(
      h5.layers.map(({ layer, weights }) => [layer, weights.map(({ shape }, index) => [`vars/${index}`, shape])]),
    );
    // The two files were saved from different training runs: no value is shared, so only the structure is compared.
  });
});
