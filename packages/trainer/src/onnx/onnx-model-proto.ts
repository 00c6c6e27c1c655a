import { ProtoWriter } from './protobuf-writer.ts';

/**
 * The slice of ONNX's `onnx.proto` that a feed-forward float graph needs, and its serialisation.
 * Field numbers are those of onnx.proto (IR version 7, the one paired with opset 13).
 */

export type OnnxAttribute =
  | { readonly int: number }
  | { readonly ints: readonly number[] }
  | { readonly float: number }
  | { readonly string: string };

export interface OnnxNode {
  readonly opType: string;
  readonly name: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
}

export interface OnnxInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

/** A float tensor of the graph's interface; a string dimension is symbolic (e.g. the batch). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly dims: ReadonlyArray<number | string>;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export const onnxOpset = 13;
const irVersion = 7;

const dataType = { float: 1, int64: 7 } as const;
const attributeType = { float: 1, int: 2, string: 3, ints: 7 } as const;

export function encodeOnnxModel(graph: OnnxGraph, producer: { name: string; version: string }): Uint8Array {
  const model = new ProtoWriter()
    .varint(1, irVersion)
    .string(2, producer.name)
    .string(3, producer.version)
    .message(7, encodeGraph(graph))
    .message(8, new ProtoWriter().string(1, '').varint(2, onnxOpset));
  return model.finish();
}

function encodeGraph(graph: OnnxGraph): ProtoWriter {
  const out = new ProtoWriter();
  for (const node of graph.nodes) out.message(1, encodeNode(node));
  out.string(2, graph.name);
  for (const initializer of graph.initializers) out.message(5, encodeInitializer(initializer));
  for (const input of graph.inputs) out.message(11, encodeValueInfo(input));
  for (const output of graph.outputs) out.message(12, encodeValueInfo(output));
  return out;
}

function encodeNode(node: OnnxNode): ProtoWriter {
  const out = new ProtoWriter();
  for (const input of node.inputs) out.string(1, input);
  for (const output of node.outputs) out.string(2, output);
  out.string(3, node.name).string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) out.message(5, encodeAttribute(name, value));
  return out;
}

function encodeAttribute(name: string, value: OnnxAttribute): ProtoWriter {
  const out = new ProtoWriter().string(1, name);
  if ('int' in value) return out.varint(20, attributeType.int).varint(3, value.int);
  if ('float' in value) return out.varint(20, attributeType.float).float(2, value.float);
  if ('string' in value) return out.varint(20, attributeType.string).string(4, value.string);
  out.varint(20, attributeType.ints);
  for (const item of value.ints) out.varint(8, item);
  return out;
}

function encodeInitializer(tensor: OnnxInitializer): ProtoWriter {
  const out = new ProtoWriter();
  for (const dim of tensor.dims) out.varint(1, dim);
  out.varint(2, tensor.data instanceof Float32Array ? dataType.float : dataType.int64);
  out.string(8, tensor.name);
  // raw_data is little-endian; typed arrays use the host's byte order, which is little-endian on
  // every platform onnxruntime-node ships binaries for.
  return out.bytes(9, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
}

function encodeValueInfo(value: OnnxValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of value.dims) {
    shape.message(1, typeof dim === 'number' ? new ProtoWriter().varint(1, dim) : new ProtoWriter().string(2, dim));
  }
  const tensorType = new ProtoWriter().varint(1, dataType.float).message(2, shape);
  return new ProtoWriter().string(1, value.name).message(2, new ProtoWriter().message(1, tensorType));
}
