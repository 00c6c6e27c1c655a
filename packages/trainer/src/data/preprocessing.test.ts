import { describe, expect, it } from 'vitest';
import { writePreprocessed, type Preprocessing } from './preprocessing.ts';

// Two RGB pixels: pure red (255, 0, 0) and mid grey (128, 128, 128).
const pixels = Uint8Array.from([255, 0, 0, 128, 128, 128]);

function run(preprocessing: Preprocessing): number[] {
  const out = new Float32Array(8).fill(-99);
  writePreprocessed(pixels, out, 1, preprocessing);
  return [...out];
}

describe("writePreprocessed, as Keras's preprocess_input (values worked out from keras/applications/imagenet_utils.py)", () => {
  it('rescale multiplies by the factor, at the offset, leaving the rest alone', () => {
    expect(run({ mode: 'rescale', rescale: 1 / 255 })).toEqual([-99, 1, 0, 0, Math.fround(128 / 255), Math.fround(128 / 255), Math.fround(128 / 255), -99]);
  });

  it('tf maps 0…255 to −1…1', () => {
    expect(run({ mode: 'tf', rescale: 1 / 255 }).slice(1, 7)).toEqual([1, -1, -1, Math.fround(128 / 127.5 - 1), Math.fround(128 / 127.5 - 1), Math.fround(128 / 127.5 - 1)]);
  });

  it('torch scales to 0…1 and standardises with the ImageNet mean and std per RGB channel', () => {
    const [r, g, b] = run({ mode: 'torch', rescale: 1 }).slice(1, 4);
    expect(r).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(g).toBeCloseTo((0 - 0.456) / 0.224, 5);
    expect(b).toBeCloseTo((0 - 0.406) / 0.225, 5);
  });

  it('caffe reverses RGB to BGR and subtracts the BGR ImageNet mean, unscaled', () => {
    const [blue, green, red] = run({ mode: 'caffe', rescale: 1 }).slice(1, 4);
    expect(blue).toBeCloseTo(0 - 103.939, 4);
    expect(green).toBeCloseTo(0 - 116.779, 4);
    expect(red).toBeCloseTo(255 - 123.68, 4);
  });
});
