import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.ts';

describe('wasm BatchMatMul patch', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it('gives the same products as the cpu backend for every transpose combination', async () => {
    const a = tf.randomUniform([3, 5, 7], -1, 1, 'float32', 1).arraySync();
    const b = tf.randomUniform([3, 7, 5], -1, 1, 'float32', 2).arraySync();
    for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const left = transposeA ? tf.tensor(a).transpose([0, 2, 1]) : tf.tensor(a);
      const right = transposeB ? tf.tensor(b).transpose([0, 2, 1]) : tf.tensor(b);
      const onWasm = tf.matMul(left, right, transposeA, transposeB).arraySync();
      await tf.setBackend('cpu');
      const onCpu = tf.matMul(tf.tensor(left.arraySync()), tf.tensor(right.arraySync()), transposeA, transposeB).arraySync();
      await tf.setBackend('wasm');
      expect(onWasm).toHaveLength(3);
      const flatWasm = (onWasm as number[][][]).flat(2);
      const flatCpu = (onCpu as number[][][]).flat(2);
      flatWasm.forEach((v, i) => expect(v).toBeCloseTo(flatCpu[i]!, 5));
    }
  });

  it('frees its temporaries (no tensor or byte growth across calls)', () => {
    const x = tf.randomUniform([20, 64]);
    const w = tf.randomUniform([20, 16]);
    tf.matMul(x, w, true, false).dispose();
    const before = tf.memory();
    for (let i = 0; i < 5; i++) tf.matMul(x, w, true, false).dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});
