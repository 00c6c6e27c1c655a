import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type * as H5wasm from 'h5wasm/node';
import type { Dataset, Entity, Group, File as H5File, OutputData } from 'h5wasm/node';
import yauzl from 'yauzl';
import { TlabError } from '@tlab/core';
import { decodeFloat16 } from '../features/float16.ts';
import { WeightsInvalidError, WeightsNotFoundError } from './weights-errors.ts';

export interface StoredWeight {
  /** The weight's name as the file stores it: `conv1/kernel:0` (Keras 2), `kernel` (Keras 3 .h5), `vars/0` (.keras). */
  readonly name: string;
  /** As in the file, Keras layout: conv kernel [kh, kw, cin, cout], depthwise [kh, kw, cin, mult]. */
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface StoredLayerWeights {
  /**
   * The layer's name as the file stores it (Keras 2.1 `conv2d_1`, tf.keras `conv2d`, Keras 3 `.keras`: the
   * name in config.json, although its weights sit under a path made from the class name, see readKerasZip).
   */
  readonly layer: string;
  /** In the order Keras assigns them to a layer's weights: weight_names order (h5), vars/0, vars/1, … (.keras). */
  readonly weights: readonly StoredWeight[];
}

export interface KerasWeightFile {
  readonly format: 'h5-weights' | 'h5-model' | 'keras-zip';
  readonly kerasVersion: string | undefined;
  /** Only layers that have weights, in the order Keras's `load_weights` pairs them with a model's layers. */
  readonly layers: readonly StoredLayerWeights[];
}

const hdf5Signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const zipSignature = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/**
 * Reads the weights of a Keras weight file the way Keras's own `model.load_weights` finds them:
 * `model.save_weights('x.h5')` (and the keras.applications downloads), `model.save('x.h5')`, and the
 * Keras 3 `.keras` zip. Values come back as float32 whatever the file stores (float16/32/64).
 */
export async function readKerasWeightFile(file: string): Promise<KerasWeightFile> {
  const kind = await sniffFormat(file);
  if (kind === 'zip') return readKerasZip(file);
  return withHdf5(file, file, 'it', (h5) => readLegacyHdf5(h5, file));
}

/** Tells HDF5 from zip by the first bytes, so an extension never decides (a .keras renamed .h5 still reads). */
async function sniffFormat(file: string): Promise<'hdf5' | 'zip'> {
  let head: Buffer;
  try {
    const stats = await stat(file);
    if (stats.isDirectory()) throw new WeightsNotFoundError(file, 'it is a folder; expected a Keras .h5 or .keras file');
    if (!stats.isFile()) throw new WeightsNotFoundError(file, 'it is not a regular file; expected a Keras .h5 or .keras file');
    const handle = await open(file, 'r');
    try {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(hdf5Signature.length), 0, hdf5Signature.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof TlabError) throw error;
    throw new WeightsNotFoundError(file, describeFsError(error), { cause: error });
  }
  if (head.equals(hdf5Signature)) return 'hdf5';
  if (head.subarray(0, zipSignature.length).equals(zipSignature)) return 'zip';
  if (head.length === 0) throw new WeightsInvalidError(file, 'the file is empty; expected an HDF5 file (.h5) or a Keras 3 .keras zip');
  throw new WeightsInvalidError(
    file,
    `expected an HDF5 file (.h5, starting \\x89HDF) or a Keras 3 .keras zip (starting PK), found a file starting with bytes ${head.toString('hex')}`,
  );
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

// h5wasm is imported on the first read only: under tsx (how `tlab` runs) its 4 MB module costs
// ~630 MB of RSS to load (measured: 78 → 711 MB; 41 → 84 MB under plain node), which a sweep that
// reads no Keras file must not pay.
let h5wasm: typeof H5wasm.default;
let Module: typeof H5wasm.Module;
let loading: Promise<void> | undefined;

function loadH5wasm(): Promise<void> {
  loading ??= import('h5wasm/node').then(async (library) => {
    await library.default.ready;
    h5wasm = library.default;
    Module = library.Module;
  });
  return loading;
}

/**
 * Opens `hdf5Path` with h5wasm, runs the synchronous `read` on it and closes it. `what` names the HDF5
 * file inside `file` in messages ("it", "its model.weights.h5"). h5wasm signals a failed open with a
 * negative file id (and prints HDF5's error stack to stderr); anything it throws while reading is an
 * emscripten `Error` whose text is HDF5's, so it is wrapped with `cause` set.
 */
async function withHdf5<T>(hdf5Path: string, file: string, what: string, read: (h5: H5File) => T): Promise<T> {
  await loadH5wasm();
  let h5: H5File;
  try {
    h5 = new h5wasm.File(hdf5Path, 'r');
  } catch (error) {
    throw new WeightsInvalidError(file, `the HDF5 library cannot open ${what}: ${(error as Error).message}`, { cause: error });
  }
  if (h5.file_id < 0n) throw new WeightsInvalidError(file, `the HDF5 library cannot open ${what} (truncated or damaged HDF5)`);
  try {
    return read(h5);
  } catch (error) {
    if (error instanceof TlabError) throw error;
    throw new WeightsInvalidError(file, `reading ${what} failed in the HDF5 library: ${(error as Error).message}`, { cause: error });
  } finally {
    h5.close();
  }
}

/**
 * The HDF5 layouts of Keras's legacy_h5_format. Like `model.load_weights`, a file without a root
 * `layer_names` but with a `model_weights` group is a whole model from `model.save('x.h5')`; its
 * `optimizer_weights` group is never looked at.
 */
function readLegacyHdf5(h5: H5File, file: string): KerasWeightFile {
  let root: Group = h5;
  let format: KerasWeightFile['format'] = 'h5-weights';
  if (!hasListAttribute(h5, 'layer_names')) {
    const modelWeights = child(h5, 'model_weights');
    if (!(modelWeights instanceof h5wasm.Group)) {
      throw new WeightsInvalidError(
        file,
        'expected a root attribute layer_names (model.save_weights) or a model_weights group (model.save), found neither ' +
          `(root attributes: ${listOrNone(Object.keys(h5.attrs))}; root entries: ${listOrNone(h5.keys())})`,
      );
    }
    root = modelWeights;
    format = 'h5-model';
  }
  const layerNames = readListAttribute(root, 'layer_names', file);
  if (layerNames === undefined) throw new WeightsInvalidError(file, `expected an attribute layer_names on ${root.path}, found none`);

  // load_weights_from_hdf5_group: layers whose weight_names is empty (or missing) are dropped before
  // pairing, and each weight is `layer_group[weight_name]`, a path relative to the layer's group.
  const layers: StoredLayerWeights[] = [];
  for (const layer of layerNames) {
    const group = child(root, layer);
    if (!(group instanceof h5wasm.Group)) {
      throw new WeightsInvalidError(file, `layer_names lists ${layer}, but ${joinPath(root.path, layer)} is not a group`);
    }
    const weightNames = readListAttribute(group, 'weight_names', file) ?? [];
    if (weightNames.length === 0) continue;
    const weights = weightNames.map((name) => {
      const dataset = child(group, name);
      if (!(dataset instanceof h5wasm.Dataset)) {
        throw new WeightsInvalidError(file, `layer ${layer} lists the weight ${name}, but ${joinPath(group.path, name)} is not a dataset`);
      }
      return readWeight(dataset, name, file);
    });
    layers.push({ layer, weights });
  }

  // Keras 3 keeps variables owned by the model itself (not by a layer) in `top_level_model_weights`.
  const topLevel = child(root, 'top_level_model_weights');
  if (topLevel instanceof h5wasm.Group && (readListAttribute(topLevel, 'weight_names', file) ?? []).length > 0) {
    throw new WeightsInvalidError(file, modelOwnWeights('top_level_model_weights'));
  }
  return { format, kerasVersion: readStringAttribute(root, 'keras_version') ?? readStringAttribute(h5, 'keras_version'), layers };
}

interface ConfigLayer {
  readonly name: string;
  readonly className: string;
}

/**
 * A Keras 3 `.keras` zip: `config.json` gives the layers in model order and `model.weights.h5` their
 * variables. Keras's saving_lib does not address a layer's weights by its name: within the model's
 * `layers` list each layer gets the snake_case of its class name, numbered from the second of a class
 * on (`layers/conv2d`, `layers/conv2d_1`, `layers/dense`), whatever the layers are called. Inside, a
 * layer's variables are `vars/0`, `vars/1`, … in Layer.save_own_variables order.
 */
async function readKerasZip(file: string): Promise<KerasWeightFile> {
  const folder = await mkdtemp(path.join(tmpdir(), 'tlab-keras-'));
  try {
    const weightsPath = path.join(folder, 'model.weights.h5');
    const texts = await extractKerasZip(file, weightsPath);
    const configLayers = parseConfigLayers(texts.get('config.json'), file);
    const layers = await withHdf5(weightsPath, file, 'its model.weights.h5', (h5) => readKerasVariables(h5, configLayers, file));
    return { format: 'keras-zip', kerasVersion: parseKerasVersion(texts.get('metadata.json')), layers };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Writes the zip's model.weights.h5 to `weightsPath` and returns its config.json and metadata.json. */
async function extractKerasZip(file: string, weightsPath: string): Promise<Map<string, string>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, opened) => (error ? reject(error) : resolve(opened)));
    });
  } catch (error) {
    throw new WeightsInvalidError(file, `it starts like a zip but is not a readable one (${(error as Error).message})`, { cause: error });
  }
  const texts = new Map<string, string>();
  const entries: string[] = [];
  let hasWeights = false;
  try {
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      entries.push(entry.fileName);
      const wanted = entry.fileName === 'model.weights.h5' || entry.fileName === 'config.json' || entry.fileName === 'metadata.json';
      if (!wanted) continue;
      if (entry.isEncrypted()) throw new WeightsInvalidError(file, `its ${entry.fileName} is encrypted`);
      const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
        zip.openReadStream(entry, (error, opened) => (error ? reject(error) : resolve(opened)));
      });
      if (entry.fileName === 'model.weights.h5') {
        await pipeline(stream, createWriteStream(weightsPath));
        hasWeights = true;
      } else {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
      }
    }
  } catch (error) {
    if (error instanceof TlabError) throw error;
    throw new WeightsInvalidError(file, `its zip cannot be read: ${(error as Error).message}`, { cause: error });
  } finally {
    zip.close();
  }
  if (!hasWeights || !texts.has('config.json')) {
    throw new WeightsInvalidError(
      file,
      `expected a Keras 3 .keras zip holding config.json and model.weights.h5, found the entries ${listOrNone(entries)}`,
    );
  }
  return texts;
}

/** yauzl's next entry (lazyEntries), or undefined at the end of the central directory. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const settle = (settleWith: () => void) => {
      zip.removeAllListeners('entry').removeAllListeners('end').removeAllListeners('error');
      settleWith();
    };
    zip.once('entry', (entry: yauzl.Entry) => settle(() => resolve(entry)));
    zip.once('end', () => settle(() => resolve(undefined)));
    zip.once('error', (error: Error) => settle(() => reject(error)));
    zip.readEntry();
  });
}

/** `config.config.layers` of config.json, each with its class and its name (`config.name`, else `name`). */
function parseConfigLayers(text: string | undefined, file: string): ConfigLayer[] {
  let config: unknown;
  try {
    config = JSON.parse(text ?? '');
  } catch (error) {
    throw new WeightsInvalidError(file, `its config.json is not JSON (${(error as Error).message})`, { cause: error });
  }
  const layers = (config as { config?: { layers?: unknown } } | null)?.config?.layers;
  if (!Array.isArray(layers)) {
    throw new WeightsInvalidError(file, 'its config.json has no config.layers list; expected a Sequential or Functional model');
  }
  return layers.map((layer: { class_name?: unknown; name?: unknown; config?: { name?: unknown } }, index) => {
    const name = layer.config?.name ?? layer.name;
    if (typeof layer.class_name !== 'string' || typeof name !== 'string') {
      throw new WeightsInvalidError(file, `layer #${index} of its config.json has no class_name or name`);
    }
    return { name, className: layer.class_name };
  });
}

function parseKerasVersion(text: string | undefined): string | undefined {
  try {
    const version = (JSON.parse(text ?? '') as { keras_version?: unknown }).keras_version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined; // metadata.json only informs; Keras itself loads without it
  }
}

function readKerasVariables(h5: H5File, configLayers: readonly ConfigLayer[], file: string): StoredLayerWeights[] {
  // saving_lib.H5Entry: files from tf.keras 2.13–2.15 call the container `_layer_checkpoint_dependencies`.
  const container = child(h5, 'layers') ?? child(h5, '_layer_checkpoint_dependencies');
  if (!(container instanceof h5wasm.Group)) {
    throw new WeightsInvalidError(file, `expected a group layers in its model.weights.h5, found the entries ${listOrNone(h5.keys())}`);
  }
  // The model's own variables (not its layers') are the root `vars`, the counterpart of top_level_model_weights.
  const own = child(h5, 'vars');
  if (own instanceof h5wasm.Group && own.keys().length > 0) throw new WeightsInvalidError(file, modelOwnWeights('the vars of its model.weights.h5'));
  const used = new Map<string, number>();
  const layers: StoredLayerWeights[] = [];
  for (const { name, className } of configLayers) {
    const key = containerKey(className, used);
    // Keras loads nothing for a layer without an entry (no variables, or the InputLayer of a Sequential).
    const group = child(container, key);
    if (!(group instanceof h5wasm.Group)) continue;
    const nested = group.keys().filter((entry) => entry !== 'vars' && holdsVariables(group, entry));
    if (nested.length > 0) {
      throw new WeightsInvalidError(
        file,
        `layer ${name} keeps weights in nested layers (${nested.map((entry) => joinPath(group.path, entry)).join(', ')}); nested models and composite layers are not supported`,
      );
    }
    const vars = child(group, 'vars');
    const weights = vars instanceof h5wasm.Group ? readVars(vars, name, file) : [];
    if (weights.length > 0) layers.push({ layer: name, weights });
  }
  return layers;
}

/** Layer.load_own_variables: the layer's variables are the datasets `0`, `1`, … of its `vars` group, in order. */
function readVars(vars: Group, layer: string, file: string): StoredWeight[] {
  const entries = vars.keys();
  return entries.map((_, index) => {
    const dataset = child(vars, String(index));
    if (!(dataset instanceof h5wasm.Dataset)) {
      throw new WeightsInvalidError(file, `expected the datasets 0…${entries.length - 1} in ${vars.path} for layer ${layer}, found ${entries.join(', ')}`);
    }
    return readWeight(dataset, `vars/${index}`, file);
  });
}

/** saving_lib._load_container_state: snake_case of the class name, then `_1`, `_2`, … for repeats. */
function containerKey(className: string, used: Map<string, number>): string {
  const base = toSnakeCase(className);
  const seen = used.get(base);
  used.set(base, seen === undefined ? 0 : seen + 1);
  return seen === undefined ? base : `${base}_${seen + 1}`;
}

/** keras.src.utils.naming.to_snake_case. */
function toSnakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** Whether `group/entry` is a group with a non-empty `vars` group somewhere below it. */
function holdsVariables(group: Group, entry: string): boolean {
  const node = child(group, entry);
  if (!(node instanceof h5wasm.Group)) return false;
  return node.keys().some((name) => {
    const inner = child(node, name);
    return name === 'vars' && inner instanceof h5wasm.Group ? inner.keys().length > 0 : holdsVariables(node, name);
  });
}

/**
 * One dataset as float32. h5wasm returns float32/float64 as typed arrays but refuses float16 (there is no
 * Float16Array), so half floats are read as raw bytes and widened here.
 */
function readWeight(dataset: Dataset, name: string, file: string): StoredWeight {
  const { metadata } = dataset;
  const { shape } = metadata;
  if (shape === null) throw new WeightsInvalidError(file, `the weight ${dataset.path} is an empty (null) dataset`);
  let values: Float32Array;
  if (metadata.type === Module.H5T_class_t.H5T_FLOAT.value && metadata.size === 2) {
    values = readFloat16(dataset);
  } else if (metadata.type === Module.H5T_class_t.H5T_FLOAT.value && (metadata.size === 4 || metadata.size === 8)) {
    // A scalar dataset (shape []) comes back from h5wasm as a plain number.
    const value = dataset.value as Float32Array | Float64Array | number;
    values = value instanceof Float32Array ? value : Float32Array.from(typeof value === 'number' ? [value] : value);
  } else {
    const found = metadata.type === Module.H5T_class_t.H5T_INTEGER.value ? `${metadata.size * 8}-bit integers` : `HDF5 type ${JSON.stringify(dataset.dtype)}`;
    throw new WeightsInvalidError(file, `the weight ${dataset.path} holds ${found}; expected float32, float64 or float16 values`);
  }
  return { name, shape, values };
}

function readFloat16(dataset: Dataset): Float32Array {
  const count = dataset.metadata.total_size;
  const pointer = Module._malloc(count * 2);
  if (pointer === 0) throw new Error(`cannot allocate ${count * 2} bytes in the HDF5 heap`);
  try {
    // h5wasm reads into a copy of the file type set to little-endian, so these are raw IEEE halves.
    Module.get_dataset_data(dataset.file_id, dataset.path, null, null, null, BigInt(pointer));
    return decodeFloat16(new Uint16Array(Module.HEAPU8.slice(pointer, pointer + count * 2).buffer));
  } finally {
    Module._free(pointer);
  }
}

/**
 * `group[relative]` as h5py resolves it, so Keras 2 weight names such as `conv1/kernel:0` walk into
 * subgroups. One segment at a time: h5wasm's `get` of a path running through a dataset returns a bogus
 * Group (and prints HDF5's error stack) instead of null.
 */
function child(group: Group, relative: string): Entity | null {
  let node: Entity | null = group;
  for (const part of relative.split('/')) node = node instanceof h5wasm.Group && part !== '' ? node.get(part) : null;
  return node;
}

function hasListAttribute(node: Group, name: string): boolean {
  const names = Object.keys(node.attrs);
  return names.includes(name) || names.includes(`${name}0`);
}

/**
 * legacy_h5_format.load_attributes_from_hdf5_group: the list is the attribute `name`, or, when it was too
 * big for one HDF5 object header, the concatenation of `name0`, `name1`, …. Entries may be stored as
 * bytes or strings (h5wasm decodes both); an empty list is stored by Keras as an empty float array.
 */
function readListAttribute(node: Group, name: string, file: string): string[] | undefined {
  const names = Object.keys(node.attrs);
  const chunks: string[] = [];
  for (let chunk = 0; names.includes(`${name}${chunk}`); chunk++) chunks.push(`${name}${chunk}`);
  const parts = names.includes(name) ? [name] : chunks;
  if (parts.length === 0) return undefined;
  return parts.flatMap((part) => {
    const value = node.get_attribute(part, false);
    if (isStringList(value)) return value;
    if (typeof value === 'string') return [value];
    const length = ArrayBuffer.isView(value) ? (value as unknown as ArrayLike<unknown>).length : undefined;
    if (length === 0) return [];
    const found = length === undefined ? typeof value : `${value.constructor.name} of ${length}`;
    throw new WeightsInvalidError(file, `the attribute ${part} of ${node.path} should list names, found a ${found}`);
  });
}

function isStringList(value: OutputData): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function readStringAttribute(node: Group, name: string): string | undefined {
  if (!Object.keys(node.attrs).includes(name)) return undefined;
  const value = node.get_attribute(name, false);
  if (typeof value === 'string') return value;
  return isStringList(value) && value.length === 1 ? value[0] : undefined;
}

function modelOwnWeights(where: string): string {
  return `it holds weights of the model itself (${where}), not of its layers; only per-layer weights are supported`;
}

function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function listOrNone(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : 'none';
}
