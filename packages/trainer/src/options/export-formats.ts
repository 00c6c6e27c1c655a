/** What `tlab export` writes: a tfjs LayersModel folder or an ONNX model. */
export const exportFormats = ['tfjs', 'onnx'] as const;
export type ExportFormat = (typeof exportFormats)[number];
