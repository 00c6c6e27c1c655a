import { wasmRuntime, type WasmMemory } from './wasm-runtime.ts';
import { encodeModule, memoryArgument, op, signedLeb128, unsignedLeb128, valueType, type FunctionDefinition } from './wasm-binary.ts';

/** A float32 expression over same-shaped inputs and scalar parameters, evaluated per element. */
export type Expression =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'scalar'; readonly index: number }
  | { readonly kind: 'binary'; readonly op: 'add' | 'sub' | 'mul' | 'div'; readonly a: Expression; readonly b: Expression }
  | { readonly kind: 'sqrt'; readonly a: Expression };

export const add = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'add', a, b });
export const sub = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'sub', a, b });
export const mul = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'mul', a, b });
export const div = (a: Expression, b: Expression): Expression => ({ kind: 'binary', op: 'div', a, b });
export const sqrt = (a: Expression): Expression => ({ kind: 'sqrt', a });

/**
 * Several outputs computed from several inputs in one pass over memory. Each operation rounds to
 * float32 as a separate tfjs op would, so a program written with tfjs's order of operations
 * reproduces tfjs's results bit for bit — while reading and writing each array once instead of once
 * per op.
 */
export interface ElementwiseProgram<I extends string = string, S extends string = string, O extends string = string> {
  readonly name: string;
  readonly inputs: readonly I[];
  readonly scalars: readonly S[];
  readonly outputs: readonly O[];
  readonly expressions: readonly Expression[];
}

export function elementwiseProgram<const I extends string, const S extends string, const O extends string>(
  name: string,
  inputs: readonly I[],
  scalars: readonly S[],
  define: (input: Record<I, Expression>, scalar: Record<S, Expression>) => Record<O, Expression>,
): ElementwiseProgram<I, S, O> {
  const inputRefs = Object.fromEntries(inputs.map((key, index) => [key, { kind: 'input', index }])) as Record<I, Expression>;
  const scalarRefs = Object.fromEntries(scalars.map((key, index) => [key, { kind: 'scalar', index }])) as Record<S, Expression>;
  const defined = define(inputRefs, scalarRefs);
  const outputs = Object.keys(defined) as O[];
  return { name, inputs, scalars, outputs, expressions: outputs.map((key) => defined[key]) };
}

/** One lane group per loop iteration: four floats with SIMD, one for the remainder. */
type Lanes = 'x4' | 'x1';

/**
 * Each program becomes two exported functions, `<name>_x4` and `<name>_x1`, taking the byte
 * addresses of its inputs and outputs, the byte range [from, to) to process, then its scalars.
 */
export function compilePrograms(programs: readonly ElementwiseProgram[]): Uint8Array {
  return encodeModule(programs.flatMap((program) => [compileLoop(program, 'x4'), compileLoop(program, 'x1')]));
}

function compileLoop(program: ElementwiseProgram, lanes: Lanes): FunctionDefinition {
  const vector = lanes === 'x4';
  const laneType = vector ? valueType.v128 : valueType.f32;
  const pointerCount = program.inputs.length + program.outputs.length;
  const cursor = pointerCount;
  const end = pointerCount + 1;
  const scalarParam = (index: number) => pointerCount + 2 + index;
  const params = [...Array<number>(pointerCount + 2).fill(valueType.i32), ...program.scalars.map(() => valueType.f32)] as FunctionDefinition['params'];
  const locals: (typeof laneType)[] = [];
  const newLocal = () => params.length + locals.push(laneType) - 1;

  // A splatted scalar lives in a local set before the loop; a plain one is its parameter.
  const scalarLocal = program.scalars.map((_, index) => (vector ? newLocal() : scalarParam(index)));
  const prologue = vector ? program.scalars.flatMap((_, index) => [...op.localGet, ...unsignedLeb128(scalarParam(index)), ...op.f32x4Splat, ...op.localSet, ...unsignedLeb128(scalarLocal[index]!)]) : [];

  const shared = sharedSubexpressions(program.expressions);
  const sharedLocal = new Map<Expression, number>();
  const address = (pointer: number) => [...op.localGet, ...unsignedLeb128(pointer), ...op.localGet, ...unsignedLeb128(cursor), ...op.i32Add];
  const alignment = memoryArgument(2);
  const emit = (expression: Expression): number[] => {
    const known = sharedLocal.get(expression);
    if (known !== undefined) return [...op.localGet, ...unsignedLeb128(known)];
    const code = emitOperation(expression);
    if (!shared.has(expression)) return code;
    const local = newLocal();
    sharedLocal.set(expression, local);
    return [...code, ...op.localTee, ...unsignedLeb128(local)];
  };
  const emitOperation = (expression: Expression): number[] => {
    switch (expression.kind) {
      case 'input':
        return [...address(expression.index), ...(vector ? op.v128Load : op.f32Load), ...alignment];
      case 'scalar':
        return [...op.localGet, ...unsignedLeb128(scalarLocal[expression.index]!)];
      case 'sqrt':
        return [...emit(expression.a), ...(vector ? op.f32x4Sqrt : op.f32Sqrt)];
      case 'binary':
        return [...emit(expression.a), ...emit(expression.b), ...binaryOpcode[lanes][expression.op]];
    }
  };
  // Every output is computed before the first is stored, so that an output may overwrite an input in
  // place (the fused optimizers update their variables so) while later outputs still read the input.
  const outputLocals = program.expressions.map(() => newLocal());
  const stores = [
    ...program.expressions.flatMap((expression, index) => [...emit(expression), ...op.localSet, ...unsignedLeb128(outputLocals[index]!)]),
    ...outputLocals.flatMap((local, index) => [
      ...address(program.inputs.length + index),
      ...op.localGet,
      ...unsignedLeb128(local),
      ...(vector ? op.v128Store : op.f32Store),
      ...alignment,
    ]),
  ];
  const body = [
    ...prologue,
    ...op.block,
    ...op.loop,
    ...op.localGet, ...unsignedLeb128(cursor), ...op.localGet, ...unsignedLeb128(end), ...op.i32GeU, ...op.brIf, 1,
    ...stores,
    ...op.localGet, ...unsignedLeb128(cursor), ...op.i32Const, ...signedLeb128(vector ? 16 : 4), ...op.i32Add, ...op.localSet, ...unsignedLeb128(cursor),
    ...op.br, 0,
    ...op.end,
    ...op.end,
  ];
  return { name: `${program.name}_${lanes}`, params, locals, body };
}

const binaryOpcode = {
  x4: { add: op.f32x4Add, sub: op.f32x4Sub, mul: op.f32x4Mul, div: op.f32x4Div },
  x1: { add: op.f32Add, sub: op.f32Sub, mul: op.f32Mul, div: op.f32Div },
} as const;

/** Operations referenced more than once (an output reused by another, say): computed once, kept in a local. */
function sharedSubexpressions(roots: readonly Expression[]): Set<Expression> {
  const seen = new Set<Expression>();
  const shared = new Set<Expression>();
  const visit = (expression: Expression) => {
    if (expression.kind === 'input' || expression.kind === 'scalar') return;
    if (seen.has(expression)) {
      shared.add(expression);
      return;
    }
    seen.add(expression);
    if (expression.kind === 'sqrt') visit(expression.a);
    else {
      visit(expression.a);
      visit(expression.b);
    }
  };
  roots.forEach(visit);
  return shared;
}

/** Runs compiled programs on float32 arrays that live in `memory` (another module's heap). */
export class ElementwiseKernels {
  private readonly exports: Record<string, (...args: number[]) => void>;

  constructor(programs: readonly ElementwiseProgram[], memory: WasmMemory) {
    const module = new wasmRuntime.Module(compilePrograms(programs));
    this.exports = new wasmRuntime.Instance(module, { env: { memory } }).exports as typeof this.exports;
  }

  /**
   * `inputs` and `outputs` are byte addresses of `length` float32 elements each. An output may be
   * an input exactly (updated in place: each element is read before it is written) but must not
   * overlap one otherwise. Scalars are rounded to float32, as tfjs rounds a JS number operand.
   */
  run(program: ElementwiseProgram, inputs: readonly number[], outputs: readonly number[], length: number, scalars: readonly number[]): void {
    if (inputs.length !== program.inputs.length || outputs.length !== program.outputs.length || scalars.length !== program.scalars.length) {
      throw new RangeError(`${program.name} takes ${program.inputs.length} inputs, ${program.outputs.length} outputs and ${program.scalars.length} scalars`);
    }
    const pointers = [...inputs, ...outputs];
    const vectorBytes = Math.floor(length / 4) * 16;
    this.exports[`${program.name}_x4`]!(...pointers, 0, vectorBytes, ...scalars);
    this.exports[`${program.name}_x1`]!(...pointers, vectorBytes, length * 4, ...scalars);
  }
}
