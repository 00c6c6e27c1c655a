import { EngineError } from '../engine/engine-error.ts';

/** What runs a backbone's frozen part: ONNX Runtime (the default) or tfjs. */
export const frozenEngines = ['onnx', 'tfjs'] as const;
export type FrozenEngine = (typeof frozenEngines)[number];

export class FrozenEngineError extends EngineError {
  constructor(requested: string) {
    super('TLAB_FROZEN_ENGINE', `TLAB_FROZEN_ENGINE=${requested} is not an engine; expected one of: ${frozenEngines.join(', ')}`);
  }
}

/** A frozen engine as the user wrote it (TLAB_FROZEN_ENGINE), checked by name; absent or empty means onnx. */
export function parseFrozenEngine(requested: string | undefined): FrozenEngine {
  const engine = requested === undefined || requested === '' ? 'onnx' : requested;
  if (!(frozenEngines as readonly string[]).includes(engine)) throw new FrozenEngineError(engine);
  return engine as FrozenEngine;
}
