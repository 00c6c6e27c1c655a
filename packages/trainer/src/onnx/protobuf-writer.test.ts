import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf-writer.ts';

describe('ProtoWriter', () => {
  it('writes keys and varints as protobuf does, negative int64 in ten bytes', () => {
    expect([...new ProtoWriter().varint(1, 150).finish()]).toEqual([0x08, 0x96, 0x01]);
    expect([...new ProtoWriter().varint(20, 7).finish()]).toEqual([0xa0, 0x01, 0x07]);
    expect([...new ProtoWriter().varint(3, -1).finish()]).toEqual([0x18, ...Array(9).fill(0xff), 0x01]);
    expect([...new ProtoWriter().varint(1, 2 ** 40).finish()]).toEqual([0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20]);
  });

  it('writes strings, floats and nested messages length-prefixed, keeping large byte fields intact', () => {
    expect([...new ProtoWriter().string(2, 'testing').finish()]).toEqual([0x12, 0x07, ...Buffer.from('testing')]);
    expect([...new ProtoWriter().float(2, 1).finish()]).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    const inner = new ProtoWriter().varint(1, 150);
    expect([...new ProtoWriter().message(3, inner).finish()]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    const big = Uint8Array.from({ length: 300 }, (_, i) => i % 251);
    const outer = new ProtoWriter().varint(1, 1).message(2, new ProtoWriter().bytes(9, big).varint(2, 5)).finish();
    expect([...outer.subarray(0, 7)]).toEqual([0x08, 0x01, 0x12, 0xb1, 0x02, 0x4a, 0xac]);
    expect([...outer.subarray(8, 308)]).toEqual([...big]);
    expect([...outer.subarray(308)]).toEqual([0x10, 0x05]);
  });
});
