import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../engine/select-backend.ts';
import { makeOptimizer, stockOptimizer, type OptimizerName } from './make-optimizer.ts';
import { FusedOptimizer } from './fused-optimizer.ts';

const optimizerNames: readonly OptimizerName[] = ['rmsprop', 'adam', 'sgd'];

const initialValues = (): tf.Variable[] =>
  tf.tidy(() => [tf.variable(tf.randomUniform([3, 1031], -1, 1, 'float32', 1)), tf.variable(tf.randomUniform([7], -1, 1, 'float32', 2))]);

/** Runs `steps` updates of two variables (one whose size is not a multiple of 4) and returns their values. */
function train(optimizer: tf.Optimizer, steps: number): Float32Array[] {
  const variables = initialValues();
  for (let step = 0; step < steps; step++) {
    // Seed 0 would mean "unseeded" to tfjs.
    const gradients = variables.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(v.shape, 0, 1, 'float32', 1 + 10 * step + i) }));
    optimizer.applyGradients(gradients);
    tf.dispose(gradients.map((g) => g.tensor));
  }
  const values = variables.map((v) => v.dataSync() as Float32Array);
  tf.dispose(variables);
  optimizer.dispose();
  return values;
}

describe('fused optimizers on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ requested: 'wasm' });
  });

  it('is what makeOptimizer picks on wasm', () => {
    const optimizer = makeOptimizer('rmsprop', 1e-3);
    expect(optimizer).toBeInstanceOf(FusedOptimizer);
    optimizer.dispose();
  });

  it.each(optimizerNames)('%s gives tf.train\'s values bit for bit over several steps', (name) => {
    const fused = train(makeOptimizer(name, 1e-2), 4);
    const stock = train(stockOptimizer(name, 1e-2), 4);
    for (let v = 0; v < stock.length; v++) {
      expect(Buffer.from(fused[v]!.buffer).equals(Buffer.from(stock[v]!.buffer))).toBe(true);
    }
    // The values moved: an update that did nothing would match too.
    const initial = initialValues();
    expect(fused[1]).not.toEqual(initial[1]!.dataSync());
    tf.dispose(initial);
  });

  it.each(['rmsprop', 'adam'] as const)('%s updates its slots in place and gives the variable new memory, which a packed matMul operand needs', (name) => {
    const optimizer = makeOptimizer(name, 1e-2);
    const [variable, other] = initialValues();
    const step = (seed: number) => {
      const gradient = tf.randomNormal(variable!.shape, 0, 1, 'float32', seed);
      optimizer.applyGradients([{ name: variable!.name, tensor: gradient }]);
      gradient.dispose();
    };
    // The slots are private: read here by the name the class keeps them under.
    const slotsOf = () => (optimizer as unknown as { slots: Map<string, tf.Variable[]> }).slots.get(variable!.name)!.map((slot) => slot.dataId);
    step(1);
    const [valueMemory, slotMemory] = [variable!.dataId, slotsOf()];
    step(2);
    expect(variable!.dataId).not.toBe(valueMemory);
    expect(slotsOf()).toEqual(slotMemory);
    expect(slotMemory).toHaveLength(name === 'adam' ? 2 : 1);
    tf.dispose([variable!, other!]);
    optimizer.dispose();
  });

  it.each(optimizerNames)('%s leaves no tensors or bytes behind once disposed', (name) => {
    const before = tf.memory();
    train(makeOptimizer(name, 1e-2), 2);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
  });
});

describe('makeOptimizer off wasm', () => {
  it('uses tf.train\'s optimizer on the cpu backend', async () => {
    await selectBackend({ requested: 'wasm' });
    await tf.setBackend('cpu');
    try {
      const optimizer = makeOptimizer('adam', 1e-3);
      expect(optimizer).toBeInstanceOf(tf.AdamOptimizer);
      optimizer.dispose();
    } finally {
      await tf.setBackend('wasm');
    }
  });
});

describe('FusedOptimizer argument checks', () => {
  it('refuses a gradient that does not fit its variable', async () => {
    await selectBackend({ requested: 'wasm' });
    const variable = tf.tidy(() => tf.variable(tf.zeros([4])));
    const gradient = tf.ones([5]);
    const optimizer = makeOptimizer('sgd', 0.1);
    expect(() => optimizer.applyGradients([{ name: variable.name, tensor: gradient }])).toThrow(/of 5 elements/);
    expect(variable.dataSync()).toEqual(new Float32Array(4));
    tf.dispose([variable, gradient]);
    optimizer.dispose();
  });
});
