import { describe, expect, it } from 'vitest';
import { kerasPads } from './keras-padding.ts';

describe('kerasPads', () => {
  it("puts the odd padding pixel at the end, as Keras 'same' does", () => {
    // 150 → 75 with a 3×3 stride-2 window needs one extra pixel; 75 → 38 needs two.
    expect(kerasPads({ padding: 'same', inputSize: [150, 75], kernel: [3, 3], strides: [2, 2] })).toEqual([0, 1, 1, 1]);
    expect(kerasPads({ padding: 'same', inputSize: [17, 17], kernel: [1, 7], strides: [1, 1] })).toEqual([0, 3, 0, 3]);
    expect(kerasPads({ padding: 'same', inputSize: [8, 8], kernel: [3, 3], strides: [1, 1], dilations: [2, 2] })).toEqual([2, 2, 2, 2]);
    expect(kerasPads({ padding: 'same', inputSize: [8, 8], kernel: [2, 2], strides: [2, 2] })).toEqual([0, 0, 0, 0]);
  });

  it("pads nothing for 'valid'", () => {
    expect(kerasPads({ padding: 'valid', inputSize: [9, 9], kernel: [3, 3], strides: [2, 2] })).toEqual([0, 0, 0, 0]);
  });
});
