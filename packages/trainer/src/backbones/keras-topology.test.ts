import { describe, expect, it } from 'vitest';
import { ancestorsOf, cleanCutPoints, cutTopology, parseTopology } from './keras-topology.ts';

const file = 'model.json';

/** input → a → b → add(a, b) → c: a residual skip around b. */
const residual = {
  keras_version: '2.2.4',
  model_config: {
    class_name: 'Model',
    config: {
      name: 'residual',
      layers: [
        { name: 'input', class_name: 'InputLayer', config: { name: 'input', batch_input_shape: [null, 32, 32, 3] }, inbound_nodes: [] },
        { name: 'a', class_name: 'Conv2D', config: { name: 'a' }, inbound_nodes: [[['input', 0, 0, {}]]] },
        { name: 'b', class_name: 'Conv2D', config: { name: 'b' }, inbound_nodes: [[['a', 0, 0, {}]]] },
        { name: 'add', class_name: 'Add', config: { name: 'add' }, inbound_nodes: [[['a', 0, 0, {}], ['b', 0, 0, {}]]] },
        { name: 'c', class_name: 'Conv2D', config: { name: 'c' }, inbound_nodes: [[['add', 0, 0, {}]]] },
      ],
      input_layers: [['input', 0, 0]],
      output_layers: [['c', 0, 0]],
    },
  },
};

describe('Keras topology', () => {
  it('finds ancestors and the clean cut points around a skip connection', () => {
    const graph = parseTopology(residual, file);
    expect(ancestorsOf(graph, 'add')).toEqual(['input', 'a', 'b', 'add']);
    expect(ancestorsOf(graph, 'b')).toEqual(['input', 'a', 'b']);
    // b is inside the skip: cutting there would lose the branch add also needs.
    expect(cleanCutPoints(graph)).toEqual(['a', 'add', 'c']);
  });

  it('cuts to a functional model with a new input size, leaving the source topology untouched', () => {
    const before = JSON.stringify(residual);
    const cut = cutTopology(parseTopology(residual, file), ['input', 'a', 'b'], 'b', [8, 9], file) as {
      config: { layers: Array<{ name: string; config: Record<string, unknown> }>; output_layers: unknown };
    };
    expect(cut.config.layers.map((layer) => layer.name)).toEqual(['input', 'a', 'b']);
    expect(cut.config.layers[0]!.config['batch_input_shape']).toEqual([null, 8, 9, 3]);
    expect(cut.config.output_layers).toEqual([['b', 0, 0]]);
    expect(JSON.stringify(residual)).toBe(before);
  });

  it('reads the old Keras Sequential format, a bare list of layers', () => {
    const graph = parseTopology(
      {
        class_name: 'Sequential',
        config: [
          { class_name: 'Conv2D', config: { name: 'first', batch_input_shape: [null, null, null, 1] } },
          { class_name: 'Conv2D', config: { name: 'second' } },
        ],
      },
      file,
    );
    expect(graph.kind).toBe('sequential');
    expect(ancestorsOf(graph, 'second')).toEqual(['first', 'second']);
    const cut = cutTopology(graph, ['first'], 'first', [5, 5], file) as { config: { layers: Array<{ config: Record<string, unknown> }> } };
    expect(cut.config.layers[0]!.config['batch_input_shape']).toEqual([null, 5, 5, 1]);
  });

  it('rejects what TensorFlow.js cannot cut, saying why', () => {
    const keras3 = structuredClone(residual);
    (keras3.model_config.config.layers[1] as { inbound_nodes: unknown }).inbound_nodes = [{ args: [], kwargs: {} }];
    expect(() => parseTopology(keras3, file)).toThrow(/model.json .*Keras 3 node format/);
    expect(() => parseTopology({ node: [{ name: 'x', op: 'Placeholder' }] }, file)).toThrow(/graph model/);
    const noShape = structuredClone(residual);
    noShape.model_config.config.layers[0]!.config = { name: 'input' } as never;
    expect(() => cutTopology(parseTopology(noShape, file), ['input', 'a'], 'a', [8, 8], file)).toThrow(/known channel count/);
  });
});
