import { describe, expect, it } from 'vitest';
import { add, div, elementwiseProgram, ElementwiseKernels, mul, sqrt, sub } from './elementwise-program.ts';
import { signedLeb128, unsignedLeb128 } from './wasm-binary.ts';
import type { WasmMemory } from './wasm-runtime.ts';

const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number }) => WasmMemory } }).WebAssembly;

// (a·s + b) is used twice: it must be computed once and reach both outputs.
const program = elementwiseProgram('probe', ['a', 'b'], ['s', 't'], (x, s) => {
  const shared = add(mul(x.a, s.s), x.b);
  return { first: div(shared, sqrt(add(mul(x.b, x.b), s.t))), second: sub(shared, x.a) };
});

/** The same arithmetic in JS: every operation rounded to float32, as wasm's f32 ops round. */
function reference(a: number, b: number, s: number, t: number): [number, number] {
  const f = Math.fround;
  const shared = f(f(a * f(s)) + b);
  return [f(shared / f(Math.sqrt(f(f(b * b) + f(t))))), f(shared - a)];
}

describe('elementwise programs compiled to wasm', () => {
  it.each([0, 1, 3, 4, 5, 8, 9, 1027])('match float32 JS arithmetic for %i elements (SIMD body and scalar tail)', (length) => {
    const memory = new Memory({ initial: 1 });
    const heap = new Float32Array(memory.buffer);
    const [a, b, first, second] = [0, 1, 2, 3].map((k) => k * 2048);
    for (let i = 0; i < length; i++) {
      heap[a! + i] = Math.sin(i + 1) * 3;
      heap[b! + i] = Math.cos(i * 7) - 0.5;
    }
    heap.fill(-99, first!, second! + 2048);
    new ElementwiseKernels([program], memory).run(program, [a! * 4, b! * 4], [first! * 4, second! * 4], length, [0.3, 1e-3]);
    for (let i = 0; i < length; i++) {
      const [expectedFirst, expectedSecond] = reference(heap[a! + i]!, heap[b! + i]!, 0.3, 1e-3);
      expect(heap[first! + i]).toBe(expectedFirst);
      expect(heap[second! + i]).toBe(expectedSecond);
    }
    // Nothing past the end was written.
    expect(heap[first! + length]).toBe(-99);
    expect(heap[second! + length]).toBe(-99);
  });

  it('updates an array in place when an output is one of the inputs (SIMD body and scalar tail)', () => {
    const accumulate = elementwiseProgram('accumulate', ['sum', 'a'], [], (x) => ({ sum: add(x.sum, mul(x.a, x.a)) }));
    const memory = new Memory({ initial: 1 });
    const heap = new Float32Array(memory.buffer);
    const length = 11;
    for (let i = 0; i < length; i++) [heap[i], heap[100 + i]] = [i, Math.fround(i / 3)];
    new ElementwiseKernels([accumulate], memory).run(accumulate, [0, 400], [0], length, []);
    const third = (i: number) => Math.fround(i / 3);
    expect(Array.from(heap.subarray(0, length))).toEqual(Array.from({ length }, (_, i) => Math.fround(i + Math.fround(third(i) * third(i)))));
  });

  it('updates several arrays in place when each reads the others (SIMD body and scalar tail)', () => {
    // Each output reads both inputs: storing one before the other is computed would feed it a new value.
    const rotate = elementwiseProgram('rotate', ['a', 'b'], [], (x) => ({ a: add(x.a, x.b), b: sub(x.a, x.b) }));
    const memory = new Memory({ initial: 1 });
    const heap = new Float32Array(memory.buffer);
    const length = 11;
    const [a, b] = [Array.from({ length }, (_, i) => Math.fround(i / 7)), Array.from({ length }, (_, i) => Math.fround(1 - i / 5))];
    heap.set(a, 0);
    heap.set(b, 100);
    new ElementwiseKernels([rotate], memory).run(rotate, [0, 400], [0, 400], length, []);
    expect(Array.from(heap.subarray(0, length))).toEqual(a.map((v, i) => Math.fround(v + b[i]!)));
    expect(Array.from(heap.subarray(100, 100 + length))).toEqual(a.map((v, i) => Math.fround(v - b[i]!)));
  });

  it('refuses a call with the wrong number of operands', () => {
    const kernels = new ElementwiseKernels([program], new Memory({ initial: 1 }));
    expect(() => kernels.run(program, [0], [8, 16], 1, [1, 1])).toThrow(/takes 2 inputs, 2 outputs and 2 scalars/);
  });
});

describe('LEB128', () => {
  it('encodes unsigned and signed integers as the wasm spec shows', () => {
    expect(unsignedLeb128(0)).toEqual([0]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(signedLeb128(16)).toEqual([16]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
  });
});
