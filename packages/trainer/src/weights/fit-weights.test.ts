import { describe, expect, it } from 'vitest';
import type { ArchitectureGraph } from '../architectures/architectures.ts';
import { caughtTlabError } from '@tlab/core/testing';
import { fitWeights } from './fit-weights.ts';
import type { SourceLayer } from './layer-weights.ts';

const graph: ArchitectureGraph = {
  modelTopology: {},
  weighted: [
    { layer: 'conv2d_1', weights: [{ name: 'conv2d_1/kernel', shape: [3, 3, 3, 8] }] },
    { layer: 'batch_normalization_1', weights: [{ name: 'batch_normalization_1/beta', shape: [8] }] },
    { layer: 'conv2d_2', weights: [{ name: 'conv2d_2/kernel', shape: [1, 1, 8, 4] }] },
  ],
};

const refused = (run: () => unknown) => caughtTlabError(Promise.resolve().then(run));

/** A file's layer with float32 weights filled with `fill`. */
const stored = (layer: string, shapes: number[][], fill = 1): SourceLayer => ({
  layer,
  weights: shapes.map((shape, i) => {
    const values = new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill + i);
    return { spec: { name: `${layer}/w${i}:0`, shape, dtype: 'float32' as const }, bytes: new Uint8Array(values.buffer) };
  }),
});

describe('fitWeights pairs a weight file with the architecture as Keras load_weights does', () => {
  it('by position, not name (tf.keras names against Keras 2.1 names), renaming each weight for tfjs', () => {
    const fitted = fitWeights(graph, [stored('conv2d', [[3, 3, 3, 8]], 1), stored('batch_normalization', [[8]], 2), stored('conv2d_1', [[1, 1, 8, 4]], 3)], 'f.h5');
    expect(fitted.weightSpecs.map((spec) => spec.name)).toEqual(['conv2d_1/kernel', 'batch_normalization_1/beta', 'conv2d_2/kernel']);
    const values = new Float32Array(fitted.weightData.buffer);
    expect([values[0], values[216], values[224]]).toEqual([1, 2, 3]);
    expect(fitted.covered).toEqual(new Set(['conv2d_1', 'batch_normalization_1', 'conv2d_2']));
  });

  it('accepts a file that stops early and says which layers it covered', () => {
    expect(fitWeights(graph, [stored('conv2d_1', [[3, 3, 3, 8]])], 'f.h5').covered).toEqual(new Set(['conv2d_1']));
  });

  it('names the layer and both shapes on a shape mismatch', async () => {
    const error = await refused(() => fitWeights(graph, [stored('conv2d_1', [[3, 3, 3, 16]])], 'f.h5'));
    expect(error.code).toBe('TLAB_WEIGHTS_MISMATCH');
    expect(error.message).toBe(
      "backbone.weights: f.h5 does not fit the architecture: layer #1 with weights, 'conv2d_1' (the file's 'conv2d_1'): 'conv2d_1/kernel' has shape [3, 3, 3, 8], the file's 'conv2d_1/w0:0' [3, 3, 3, 16].",
    );
  });

  it('refuses a weight count that differs, and layers left over', async () => {
    expect((await refused(() => fitWeights(graph, [stored('conv2d_1', [[3, 3, 3, 8], [8]])], 'f.h5'))).message).toContain("'conv2d_1' (the file's 'conv2d_1') has 1 weights and the file 2");
    const extra = [stored('a', [[3, 3, 3, 8]]), stored('b', [[8]]), stored('c', [[1, 1, 8, 4]]), stored('dense', [[4, 2]])];
    expect((await refused(() => fitWeights(graph, extra, 'f.h5'))).message).toContain("it holds 4 layers with weights and the architecture 3; the first left over is 'dense'");
  });

  it('pairs an older naming by name when its order differs, leaving out the layers it does not name (a classifier top)', async () => {
    const legacy = (name: string) => ({ a: 'conv2d_1', b: 'batch_normalization_1', c: 'conv2d_2' })[name];
    const swapped = [stored('c', [[1, 1, 8, 4]], 3), stored('a', [[3, 3, 3, 8]], 1), stored('b', [[8]], 2), stored('fc1000', [[4, 10]], 4)];
    const fitted = fitWeights(graph, swapped, 'f.json', legacy);
    expect(fitted.weightSpecs.map((spec) => spec.name)).toEqual(['conv2d_1/kernel', 'batch_normalization_1/beta', 'conv2d_2/kernel']);
    expect(new Float32Array(fitted.weightData.buffer)[0]).toBe(1);
    expect((await refused(() => fitWeights(graph, [stored('a', [[3, 3, 3, 8]]), stored('d', [[1]])], 'f.json', (n) => (n === 'd' ? 'dense_9' : legacy(n))))).message).toContain(
      "its layer 'd' would be 'dense_9', which the architecture does not have",
    );
  });
});
