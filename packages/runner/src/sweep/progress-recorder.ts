import type { EpochProgress } from '@tlab/core';
import type { TrainProgress } from '@tlab/trainer';

/**
 * Writes a run's in-epoch progress for the live view: when a phase (an epoch's training or its
 * validation) begins, and then at most once per `intervalMs`. A step of a cached head takes
 * milliseconds, so writing every step would be hundreds of transactions a second for nothing.
 */
export function progressRecorder(record: (progress: EpochProgress) => void, intervalMs = 1000): (progress: TrainProgress) => void {
  let lastWrite = Number.NEGATIVE_INFINITY;
  let lastPhase = '';
  return (p) => {
    const phase = `${p.epoch}:${p.phase}`;
    const now = performance.now();
    if (phase === lastPhase && now - lastWrite < intervalMs) return;
    lastPhase = phase;
    lastWrite = now;
    record({ epoch: p.epoch, phase: p.phase, step: p.step, steps: p.steps, computedImages: p.computedImages, epochSeconds: p.epochSeconds });
  };
}
