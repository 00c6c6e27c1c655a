/**
 * A 2-D affine map in the convention of Keras's `apply_affine_transform` (scipy's `affine_transform`):
 * output pixel (row, col) takes its value from input position
 * (m[0]·row + m[1]·col + m[2], m[3]·row + m[4]·col + m[5]). Pixel centres sit on integer
 * coordinates, so (0, 0) is the centre of the top-left pixel.
 */
export type AffineMatrix = readonly [number, number, number, number, number, number];

export const identityMatrix: AffineMatrix = [1, 0, 0, 0, 1, 0];

/** `outer · inner`: the map that applies `inner` to output coordinates first, then `outer`. */
export function multiplyMatrices(outer: AffineMatrix, inner: AffineMatrix): AffineMatrix {
  const [a0, a1, a2, a3, a4, a5] = outer;
  const [b0, b1, b2, b3, b4, b5] = inner;
  return [
    a0 * b0 + a1 * b3,
    a0 * b1 + a1 * b4,
    a0 * b2 + a1 * b5 + a2,
    a3 * b0 + a4 * b3,
    a3 * b1 + a4 * b4,
    a3 * b2 + a4 * b5 + a5,
  ];
}

/** Where output position (row, col) samples the input. */
export function mapPoint(matrix: AffineMatrix, row: number, col: number): [number, number] {
  return [matrix[0] * row + matrix[1] * col + matrix[2], matrix[3] * row + matrix[4] * col + matrix[5]];
}

export function isIdentityMatrix(matrix: AffineMatrix): boolean {
  return matrix.every((value, i) => value === identityMatrix[i]);
}
