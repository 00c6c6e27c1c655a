/**
 * The protobuf wire format, write side only: enough to serialise an ONNX ModelProto without a
 * protobuf library. Fields are appended as chunks and nested messages are spliced in by reference,
 * so the tens of megabytes of weights are copied once, by `finish`.
 */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  /** Small writes (keys, varints, short strings) gather here until a large chunk or `finish`. */
  private pending: number[] = [];
  private flushedLength = 0;

  get length(): number {
    return this.flushedLength + this.pending.length;
  }

  /** Wire type 0: int32, int64, uint64, enum, bool. Negative values take ten bytes, as protobuf's int64 does. */
  varint(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.rawVarint(value);
    return this;
  }

  /** Wire type 5: a little-endian IEEE float. */
  float(field: number, value: number): this {
    this.key(field, 5);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.pending.push(...bytes);
    return this;
  }

  /** Wire type 2 holding UTF-8 text. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Wire type 2 holding bytes; large ones are kept by reference, not copied. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.rawVarint(value.length);
    this.append(value);
    return this;
  }

  /** Wire type 2 holding an embedded message. */
  message(field: number, message: ProtoWriter): this {
    this.key(field, 2);
    this.rawVarint(message.length);
    message.flush();
    for (const chunk of message.chunks) this.append(chunk);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.flushedLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  private key(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  private rawVarint(value: number | bigint): void {
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      this.pending.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.pending.push(Number(rest));
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length < 64) {
      for (const byte of bytes) this.pending.push(byte);
      return;
    }
    this.flush();
    this.chunks.push(bytes);
    this.flushedLength += bytes.length;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.flushedLength += this.pending.length;
    this.pending = [];
  }
}
