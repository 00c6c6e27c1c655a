import { describe, expect, it } from 'vitest';
import type { io } from '@tensorflow/tfjs';
import { sliceWeights } from './weight-manifest.ts';

const specs: io.WeightsManifestEntry[] = [
  { name: 'a/kernel', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: 0, scale: 1 } },
  { name: 'b/kernel', shape: [3], dtype: 'float32' },
  { name: 'c/bias', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', min: 0, scale: 1 } },
];
// a: 4 bytes (uint8), b: 12 bytes (float32), c: 4 bytes (uint16).
const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
const layers = new Set(['a', 'b', 'c']);

describe('sliceWeights', () => {
  it('keeps the stored (still quantized) bytes of the kept layers only, in order', () => {
    const { weightSpecs, weightData } = sliceWeights({ modelTopology: {}, weightSpecs: specs, weightData: bytes }, layers, new Set(['a', 'c']), 'm.json');
    expect(weightSpecs.map((spec) => spec.name)).toEqual(['a/kernel', 'c/bias']);
    expect([...new Uint8Array(weightData)]).toEqual([0, 1, 2, 3, 16, 17, 18, 19]);
  });

  it('rejects bytes that do not match the specs, and weights of nested models', () => {
    const short = { modelTopology: {}, weightSpecs: specs, weightData: bytes.subarray(0, 19) };
    expect(() => sliceWeights(short, layers, layers, 'm.json')).toThrow('describe 20 bytes but its weight files hold 19');
    const nested = { modelTopology: {}, weightSpecs: [{ name: 'inner/kernel', shape: [1], dtype: 'float32' as const }], weightData: new Uint8Array(4) };
    expect(() => sliceWeights(nested, layers, layers, 'm.json')).toThrow(/'inner\/kernel' does not belong to any top-level layer/);
  });
});
