import { createRequire } from 'node:module';
import path from 'node:path';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { backendNames, type BackendName } from '../options/backend-names.ts';
import { BackendUnavailableError } from './engine-error.ts';
import { registerWasmConv2DBackpropFilter } from './conv2d-backprop-filter.ts';
import { registerWasmDepthwiseConv2DGradients } from './depthwise-conv2d-gradients.ts';
import { patchWasmConv2DBackpropInput } from './conv2d-backprop-input.ts';
import { patchWasmKernels } from './wasm-kernel-patches.ts';
import { widenV8HeapGrowth } from './v8-heap-growth.ts';


export interface EngineInfo {
  readonly backend: BackendName;
  readonly threads: number;
  /** tfjs package versions as tfjs reports them, e.g. { 'tfjs-core': '4.22.0', ... }. */
  readonly versions: Readonly<Record<string, string>>;
}

export interface SelectBackendOptions {
  /** Forces one backend instead of trying tensorflow → wasm → cpu (the runner's settings: TLAB_BACKEND). */
  readonly requested?: BackendName | undefined;
  readonly warn?: (message: string) => void;
}

const require = createRequire(import.meta.url);
/** One selection per process: concurrent callers share it (two racing inits would fail wasm's and fall to cpu). */
let selecting: Promise<EngineInfo> | undefined;

/**
 * Picks the fastest TensorFlow.js backend that works here. tfjs-node is an optional dependency
 * (its install downloads libtensorflow, impossible offline), so it is probed at run time; wasm with
 * SIMD is the offline workhorse; the pure-JS cpu backend is ~30× slower than wasm and is never
 * taken silently.
 */
export function selectBackend(options: SelectBackendOptions = {}): Promise<EngineInfo> {
  selecting ??= select(options).catch((error: unknown) => {
    selecting = undefined;
    throw error;
  });
  return selecting;
}

async function select(options: SelectBackendOptions): Promise<EngineInfo> {
  const { requested } = options;
  const warn = options.warn ?? ((message: string) => console.warn(message));
  // Every process that trains selects its engine first, once.
  widenV8HeapGrowth();
  const order: readonly BackendName[] = requested ? [requested] : backendNames;
  const failures: string[] = [];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === undefined) {
      if (name === 'cpu') {
        warn(
          `WARNING: running on the pure-JavaScript cpu backend (${failures.join('; ') || 'requested'}). ` +
            'It is about 30x slower than wasm: a sweep that takes minutes will take hours.',
        );
      }
      return { backend: name, threads: threadsOf(name), versions: { ...tf.version } };
    }
    if (requested) throw new BackendUnavailableError(requested, failure);
    failures.push(`${name}: ${failure}`);
  }
  throw new BackendUnavailableError('any', failures.join('; '));
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    switch (name) {
      case 'tensorflow':
        // A variable specifier keeps bundlers and tsc from requiring the optional package.
        await import(/* @vite-ignore */ tfjsNodePackage);
        break;
      case 'wasm':
        setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
        break;
      case 'cpu':
        break;
    }
    if (!(await tf.setBackend(name))) return 'backend failed to initialise';
    await tf.ready();
    if (name === 'wasm') {
      patchWasmKernels();
      registerWasmConv2DBackpropFilter();
      patchWasmConv2DBackpropInput();
      registerWasmDepthwiseConv2DGradients();
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0] : String(error);
  }
}

const tfjsNodePackage = '@tensorflow/tfjs-node';

function threadsOf(name: BackendName): number {
  // tfjs-node uses TensorFlow's own intra-op pool; wasm threads are disabled under Node by tfjs.
  return name === 'wasm' ? getThreadsCount() : name === 'cpu' ? 1 : availableParallelism();
}
