import { ArtifactCorruptError } from './artifact-errors.ts';

/** One named float32 tensor, row-major, in Keras's layout (a Dense kernel is [inputs, units]). */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

export interface SafetensorsContent {
  readonly tensors: readonly NamedTensor[];
  /** safetensors' `__metadata__`: string keys to string values. */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The safetensors format (Hugging Face's: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the raw little-endian bytes), which
 * PyTorch, JAX and Keras 3 tools read. The same tensors and metadata always give the same bytes:
 * tensors sorted by name, keys in a fixed order, no timestamps, so a checkpoint's sha256 is a
 * fingerprint of its weights. Returned as parts (the header, then each tensor's bytes as views of
 * its own array) so a 150 MB head is written without a second copy in memory.
 */
export function encodeSafetensors({ tensors, metadata }: SafetensorsContent): Uint8Array[] {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = { __metadata__: Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => (a < b ? -1 : 1))) };
  let offset = 0;
  for (const tensor of sorted) {
    if (tensor.name === '__metadata__' || tensor.name in header) throw new RangeError(`tensor name ${JSON.stringify(tensor.name)} is reserved or repeated`);
    const count = tensor.shape.reduce((n, d) => n * d, 1);
    if (count !== tensor.values.length) throw new RangeError(`tensor ${tensor.name}: shape [${tensor.shape.join(', ')}] holds ${count} values, got ${tensor.values.length}`);
    header[tensor.name] = { dtype: 'F32', shape: [...tensor.shape], data_offsets: [offset, offset + tensor.values.byteLength] };
    offset += tensor.values.byteLength;
  }
  // The format pads the header with spaces to a multiple of 8 so the data is aligned.
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headerBytes = Buffer.alloc(Math.ceil(json.length / 8) * 8, 0x20);
  json.copy(headerBytes);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  // Float32Array is little-endian on every platform Node runs on.
  return [length, headerBytes, ...sorted.map((t) => new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength))];
}

/** Reads what {@link encodeSafetensors} writes (F32 tensors only); anything malformed is `TLAB_ARTIFACT_CORRUPT` naming `file`. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContent {
  const corrupt = (detail: string) => new ArtifactCorruptError(file, detail);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < 8) throw corrupt(`${buffer.length} bytes is shorter than the 8-byte header length`);
  const headerLength = Number(buffer.readBigUInt64LE(0));
  if (headerLength > buffer.length - 8) throw corrupt(`the header claims ${headerLength} bytes, the file has ${buffer.length - 8} after the length`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buffer.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw corrupt(`the header is not JSON (${(error as Error).message})`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = buffer.length - dataStart;
  const metadata = (header['__metadata__'] ?? {}) as Record<string, string>;
  const tensors: NamedTensor[] = [];
  let expectedStart = 0;
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__');
  entries.sort(([, a], [, b]) => offsetsOf(a)[0] - offsetsOf(b)[0]);
  for (const [name, entry] of entries) {
    const { dtype, shape } = entry as { dtype?: unknown; shape?: unknown };
    const [begin, end] = offsetsOf(entry);
    if (dtype !== 'F32') throw corrupt(`tensor ${name} has dtype ${String(dtype)}; expected F32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw corrupt(`tensor ${name} has no valid shape`);
    const count = (shape as number[]).reduce((n, d) => n * d, 1);
    if (begin !== expectedStart || end - begin !== count * 4 || end > dataLength) throw corrupt(`tensor ${name}'s bytes [${begin}, ${end}) do not fit its shape or the file`);
    expectedStart = end;
    const values = new Float32Array(count);
    Buffer.from(values.buffer).set(buffer.subarray(dataStart + begin, dataStart + end));
    tensors.push({ name, shape: shape as number[], values });
  }
  if (expectedStart !== dataLength) throw corrupt(`${dataLength - expectedStart} bytes after the last tensor`);
  return { tensors: tensors.sort((a, b) => (a.name < b.name ? -1 : 1)), metadata };
}

function offsetsOf(entry: unknown): [number, number] {
  const offsets = (entry as { data_offsets?: unknown } | null)?.data_offsets;
  return Array.isArray(offsets) && offsets.length === 2 && offsets.every((n) => Number.isInteger(n) && n >= 0) ? (offsets as [number, number]) : [-1, -1];
}
