import { formatBytes, type ResolvedConfig } from '@tlab/core';
import { EngineError } from '../engine/engine-error.ts';
import { optimizerSlots } from '../optimizers/make-optimizer.ts';

/**
 * What training a head may take: heads train on tfjs's wasm backend, whose heap is at most 4 GiB
 * whatever the machine has (24 GiB here), and which fails past it with "memory access out of
 * bounds" or "Invalid typed array length". Measured on 37,632 inputs (mixed7 at 150×150), by
 * `headSize`: rmsprop trains 4,457 units (2.50 GiB, the most this lets through) and fails at 5,120
 * (2.87 GiB); adam trains 3,565 (2.50 GiB) and fails at 4,096 (2.87 GiB); sgd trains 6,144 (2.58 GiB,
 * refused here: one bound for all three) and fails at 8,192 (3.44 GiB). Those failures were
 * measured before the fused optimizers updated their slots in place, which lowered each step's
 * peak by the slots' size; the bound was kept, so it errs on the safe side.
 */
export const maxHeadTrainingBytes = 2.5 * 1024 ** 3;

export interface HeadSizeInput {
  /** The backbone's output at the cutoff, without the batch dimension. */
  readonly featureShape: readonly number[];
  readonly cutoff: string;
  readonly head: ResolvedConfig['head'];
  readonly optimizer: ResolvedConfig['train']['optimizer'];
  readonly classCount: number;
}

export interface HeadSize {
  /** What the hidden Dense layer takes: every feature after Flatten, the channels after pooling. */
  readonly inputs: number;
  readonly weights: number;
  /** Float32 weights, their gradients, one working copy (the initializer's, the transpose's) and the optimizer's slots. */
  readonly trainingBytes: number;
}

/** The trained head's size, as build-head makes it (head-layers.ts: pooling → Dense(units) → Dense(outputs)). */
export function headSize({ featureShape, head, optimizer, classCount }: HeadSizeInput, units = head.units): HeadSize {
  const spatial = featureShape.length === 3;
  const inputs = spatial && head.pooling === 'flatten' ? featureShape.reduce((a, b) => a * b, 1) : featureShape.at(-1)!;
  const outputs = classCount === 2 ? 1 : classCount;
  const weights = (inputs + 1) * units + (units + 1) * outputs;
  return { inputs, weights, trainingBytes: 4 * weights * (3 + optimizerSlots(optimizer)) };
}

/** Refuses a head that cannot train here, before anything is built or stored. */
export function checkHeadSize(input: HeadSizeInput): void {
  const size = headSize(input);
  if (size.trainingBytes > maxHeadTrainingBytes) throw new HeadTooLargeError(input, size);
}

export class HeadTooLargeError extends EngineError {
  constructor(input: HeadSizeInput, size: HeadSize) {
    const { featureShape, cutoff, head, optimizer } = input;
    const count = (n: number) => n.toLocaleString('en-US');
    const perUnit = headSize(input, 1).trainingBytes - headSize(input, 0).trainingBytes;
    const fitting = Math.floor((maxHeadTrainingBytes - headSize(input, 0).trainingBytes) / perUnit);
    const features = `${featureShape.join('×')}${featureShape.length > 1 ? ` = ${count(featureShape.reduce((a, b) => a * b, 1))}` : ''}`;
    const inputs = head.pooling === 'flatten' || featureShape.length !== 3 ? `(${features} inputs)` : `(${head.pooling} pooling of ${features}: ${count(size.inputs)} inputs)`;
    const billions = size.weights >= 1e9 ? `${(size.weights / 1e9).toFixed(2)} billion` : `${(size.weights / 1e6).toFixed(1)} million`;
    const instead = fitting >= 1 ? `expected head.units of at most ${count(fitting)} here` : 'no number of units fits this pooling at this cutoff';
    const pooling = head.pooling === 'flatten' && featureShape.length === 3 ? `, head.pooling: avg (${count(featureShape.at(-1)!)} inputs)` : '';
    super(
      'TLAB_HEAD_TOO_LARGE',
      `${fitting >= 1 ? 'head.units' : 'head.pooling'}: a ${head.pooling} head at ${cutoff} ${inputs} with ${count(head.units)} units has ${billions} weights ` +
        `(${formatBytes(4 * size.weights)} as float32); training it with ${optimizer} takes about ${formatBytes(size.trainingBytes)}, more than the ` +
        `${formatBytes(maxHeadTrainingBytes)} a head may use (tfjs's wasm backend trains heads in one heap of at most 4 GB); ${instead}${pooling}, or an earlier cutoff`,
    );
    this.name = 'HeadTooLargeError';
  }
}
