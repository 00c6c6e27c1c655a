import { TlabError } from '@tlab/core';
import { EngineError } from '../engine/engine-error.ts';

/** Ctrl-C or a stop request arrived between two batches; nothing of the unfinished epoch is kept. */
export class RunInterruptedError extends TlabError {
  constructor(
    /** The runs the thrower marked `interrupted`: none while it only waited; undefined where it cannot know (worker processes mark their own). */
    readonly marked?: readonly string[],
  ) {
    super('TLAB_INTERRUPTED', 'the run was interrupted before it finished');
  }
}

export class NonFiniteLossError extends EngineError {
  constructor(epoch: number, step: number) {
    super(
      'TLAB_NON_FINITE_LOSS',
      `training loss became NaN or infinite at epoch ${epoch}, step ${step}; lower train.learning_rate or check the data`,
    );
  }
}
