/**
 * [n, h, w, c] ↔ [n, c, h, w] in plain JS. The ONNX graph is NCHW because onnxruntime's fastest
 * CPU kernels (the NCHWc layout of optimisation level 'all') start from it; transposing inside the
 * graph measured slower than doing it here.
 */
export function nhwcToNchw(data: Float32Array, n: number, h: number, w: number, c: number): Float32Array {
  const out = new Float32Array(n * c * h * w);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < c; ch++) out[base + ch * plane + p] = data[base + p * c + ch]!;
    }
  }
  return out;
}

export function nchwToNhwc(data: Float32Array, n: number, c: number, h: number, w: number): Float32Array {
  const out = new Float32Array(n * h * w * c);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < plane; p++) out[base + p * c + ch] = data[base + ch * plane + p]!;
    }
  }
  return out;
}
