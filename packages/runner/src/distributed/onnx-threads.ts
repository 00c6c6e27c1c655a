import os from 'node:os';

/** ONNX Runtime's threads for each of `processes` processes sharing this machine, so they do not fight over the cores. */
export function onnxThreadsPer(processes: number): number {
  return Math.max(1, Math.floor(os.availableParallelism() / processes));
}
