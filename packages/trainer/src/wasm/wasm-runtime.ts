import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * The slice of the WebAssembly JS API these kernels use. Node has it all, but TypeScript declares
 * it only in the DOM library, which this Node-only package does not load.
 */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmRuntime {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
}

export const wasmRuntime = (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;

/** What the wasm backend exposes beyond its typings: the heap its tensors live in. */
export type WasmBackendInternals = BackendWasm & { wasm: { asm: { memory: WasmMemory } } };
