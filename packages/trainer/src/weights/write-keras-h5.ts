import h5wasm from 'h5wasm/node';
import type { Group } from 'h5wasm/node';
import type { StoredLayerWeights } from './keras-weight-file.ts';

export interface KerasH5WriteOptions {
  /** Root attribute `keras_version`; '2.1.6' by default, the Keras of the keras.applications weight files. */
  readonly kerasVersion?: string;
  /** Root attribute `backend`; 'tensorflow' by default. */
  readonly backend?: string;
}

/** legacy_h5_format.HDF5_OBJECT_HEADER_LIMIT: Keras splits a name list whose array is bigger than this. */
const objectHeaderLimit = 64512;

/**
 * Writes `layers` as Keras 2's `save_weights_to_hdf5_group` does (`model.save_weights('x.h5')`, the layout
 * of the keras.applications downloads): root attributes `layer_names`, `backend`, `keras_version`; one
 * group per layer with the attribute `weight_names`; each weight a float32 dataset at
 * `<layer>/<weight name>`, so `conv2d_1/kernel:0` lands at `conv2d_1/conv2d_1/kernel:0`.
 *
 * A weight name already in Keras 2 form (ending in `:0`, `:1`, …) is kept; a bare one (`kernel`) becomes
 * `<layer>/kernel:0`. Name lists are fixed-length ASCII strings, which h5py reads back as bytes, as every
 * Keras version expects (Keras 2.1 calls `.decode` on each); the scalar `backend` and `keras_version` are
 * variable-length ASCII, as h5py stores a bytes scalar.
 */
export async function writeKerasWeightsH5(file: string, layers: readonly StoredLayerWeights[], options: KerasH5WriteOptions = {}): Promise<void> {
  const planned = layers.map(({ layer, weights }) => {
    if (layer === '' || layer.includes('/')) throw new Error(`writeKerasWeightsH5: the layer name '${layer}' is empty or contains '/'`);
    return {
      layer,
      weights: weights.map((weight) => {
        const size = weight.shape.reduce((product, dimension) => product * dimension, 1);
        if (size !== weight.values.length) {
          throw new Error(`writeKerasWeightsH5: ${layer}/${weight.name} has shape [${weight.shape.join(', ')}] but ${weight.values.length} values`);
        }
        return { ...weight, name: /:\d+$/.test(weight.name) ? weight.name : `${layer}/${weight.name}:0` };
      }),
    };
  });
  const duplicate = planned.find(({ layer }, index) => planned.findIndex((other) => other.layer === layer) !== index);
  if (duplicate !== undefined) throw new Error(`writeKerasWeightsH5: the layer name '${duplicate.layer}' appears twice`);
  const nonAscii = planned.flatMap(({ layer, weights }) => [layer, ...weights.map((weight) => weight.name)]).find((name) => /[^\x20-\x7e]/.test(name));
  if (nonAscii !== undefined) throw new Error(`writeKerasWeightsH5: '${nonAscii}' is not printable ASCII, which HDF5 ASCII name lists require`);

  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'w');
  if (h5.file_id < 0n) throw new Error(`writeKerasWeightsH5: cannot create ${file}`);
  try {
    h5.create_attribute('backend', options.backend ?? 'tensorflow', null, 'A');
    h5.create_attribute('keras_version', options.kerasVersion ?? '2.1.6', null, 'A');
    writeNameList(h5, 'layer_names', planned.map(({ layer }) => layer));
    for (const { layer, weights } of planned) {
      const group = h5.create_group(layer);
      writeNameList(group, 'weight_names', weights.map(({ name }) => name));
      for (const { name, shape, values } of weights) {
        const parts = name.split('/');
        const parent = parts.slice(0, -1).reduce((node, part) => {
          const existing = node.get(part);
          return existing instanceof h5wasm.Group ? existing : node.create_group(part);
        }, group);
        parent.create_dataset({ name: parts.at(-1) as string, data: values, shape: [...shape], dtype: '<f' });
      }
    }
  } finally {
    h5.close();
  }
}

/**
 * legacy_h5_format.save_attributes_to_hdf5_group: one attribute, or `name0`, `name1`, … when the array
 * would pass the object header limit (np.array_split into the fewest near-equal chunks that fit). An
 * empty list is written as numpy writes `np.asarray([])`: an empty float64 array.
 */
function writeNameList(node: Group, name: string, names: readonly string[]): void {
  if (names.length === 0) {
    node.create_attribute(name, new Float64Array(0), [0]);
    return;
  }
  // Null-terminated fixed-length strings: one byte more than the longest name.
  const itemSize = Math.max(...names.map((entry) => entry.length)) + 1;
  const dtype = `A${itemSize}`;
  let chunks = 1;
  while (Math.ceil(names.length / chunks) * itemSize > objectHeaderLimit) chunks++;
  if (chunks === 1) {
    node.create_attribute(name, [...names], [names.length], dtype);
    return;
  }
  // np.array_split: the first (length % chunks) chunks get one name more.
  const base = Math.floor(names.length / chunks);
  const extra = names.length % chunks;
  let start = 0;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const end = start + base + (chunk < extra ? 1 : 0);
    node.create_attribute(`${name}${chunk}`, names.slice(start, end), [end - start], dtype);
    start = end;
  }
}
