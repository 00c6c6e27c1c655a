import { describe, expect, it } from 'vitest';
import { nchwToNhwc, nhwcToNchw } from './nchw-layout.ts';

describe('NHWC ↔ NCHW', () => {
  it('moves channels in front of the pixels and back', () => {
    // Two images of 1×2 pixels with 3 channels; values encode image·100 + pixel·10 + channel.
    const nhwc = Float32Array.from([0, 1, 2, 10, 11, 12, 100, 101, 102, 110, 111, 112]);
    const nchw = nhwcToNchw(nhwc, 2, 1, 2, 3);
    expect([...nchw]).toEqual([0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112]);
    expect([...nchwToNhwc(nchw, 2, 3, 1, 2)]).toEqual([...nhwc]);
  });
});
