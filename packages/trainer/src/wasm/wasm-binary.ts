/**
 * The WebAssembly binary format, write side only, and only what the elementwise kernels need:
 * one imported memory, functions of i32/f32/v128 values, and the handful of opcodes below. A
 * module this small is clearer spelled out than pulled in through a toolchain dependency.
 */

export const valueType = { i32: 0x7f, f32: 0x7d, v128: 0x7b } as const;
export type ValueType = (typeof valueType)[keyof typeof valueType];

/** Opcodes (MVP and the SIMD proposal, prefix 0xfd), named as in the text format. */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  br: [0x0c],
  brIf: [0x0d],
  localGet: [0x20],
  localSet: [0x21],
  localTee: [0x22],
  f32Load: [0x2a],
  f32Store: [0x38],
  i32Const: [0x41],
  i32GeU: [0x4f],
  i32Add: [0x6a],
  f32Sqrt: [0x91],
  f32Add: [0x92],
  f32Sub: [0x93],
  f32Mul: [0x94],
  f32Div: [0x95],
  v128Load: simd(0x00),
  v128Store: simd(0x0b),
  f32x4Splat: simd(0x13),
  f32x4Sqrt: simd(0xe3),
  f32x4Add: simd(0xe4),
  f32x4Sub: simd(0xe5),
  f32x4Mul: simd(0xe6),
  f32x4Div: simd(0xe7),
} as const satisfies Record<string, readonly number[]>;

function simd(code: number): number[] {
  return [0xfd, ...unsignedLeb128(code)];
}

export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`not an unsigned integer: ${value}`);
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value)) throw new RangeError(`not an integer: ${value}`);
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value = Math.floor(value / 128);
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

/** A load or store's memarg: alignment as a power of two, then a constant offset of 0. */
export function memoryArgument(alignLog2: number): number[] {
  return [...unsignedLeb128(alignLog2), 0];
}

export interface FunctionDefinition {
  readonly name: string;
  readonly params: readonly ValueType[];
  /** Locals beyond the parameters, in index order after them. */
  readonly locals: readonly ValueType[];
  readonly body: readonly number[];
}

/**
 * A module that imports its memory as `env.memory` (so it works on another module's heap) and
 * exports every function, each returning nothing.
 */
export function encodeModule(functions: readonly FunctionDefinition[]): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(f.params.map((t) => [t])), 0x00]);
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x00];
  const exports = functions.map((f, index) => [...name(f.name), 0x00, ...unsignedLeb128(index)]);
  const bodies = functions.map((f) => {
    const code = [...vector(f.locals.map((t) => [1, t])), ...f.body, ...op.end];
    return [...unsignedLeb128(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([memoryImport])),
    ...section(3, vector(functions.map((_, index) => unsignedLeb128(index)))),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ]);
}

function section(id: number, content: readonly number[]): number[] {
  return [id, ...unsignedLeb128(content.length), ...content];
}

function vector(items: readonly (readonly number[])[]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = new TextEncoder().encode(text);
  return [...unsignedLeb128(bytes.length), ...bytes];
}
