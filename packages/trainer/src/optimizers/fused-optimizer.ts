import * as tf from '@tensorflow/tfjs';
import { ElementwiseKernels } from '../wasm/elementwise-program.ts';
import { isUpdatedInPlace } from './in-place-variables.ts';
import type { UpdateRule } from './update-rules.ts';
import type { WasmBackendInternals } from '../wasm/wasm-runtime.ts';

/**
 * An optimizer that updates each variable in one pass on the wasm heap. tfjs's own optimizers run
 * one kernel per operation, each reading and writing whole arrays: for a Flatten head's 38.5M-weight
 * Dense layer, RMSprop's eleven ops took 0.4 s per step here (1.1 s on a busy machine), more than
 * the step's matrix products. The fused update computes the same float32 operations in the same order, so results
 * equal tf.train's exactly; it only exists on the wasm backend (see `makeOptimizer`).
 */
export class FusedOptimizer extends tf.Optimizer {
  private readonly kernels: ElementwiseKernels;
  private readonly backend: WasmBackendInternals;
  /** Per variable name: its slot arrays, in the rule's order. */
  private readonly slots = new Map<string, tf.Variable[]>();

  constructor(private readonly rule: UpdateRule) {
    super();
    if (tf.getBackend() !== 'wasm') throw new Error(`FusedOptimizer runs on the wasm backend, not ${tf.getBackend()}`);
    this.backend = tf.backend() as WasmBackendInternals;
    this.kernels = new ElementwiseKernels([rule.program], this.backend.wasm.asm.memory);
  }

  override applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const gradients = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const scalars = this.rule.scalars(this.iterations + 1);
    for (const { name, tensor: gradient } of gradients) {
      if (gradient == null) continue;
      const value = tf.engine().registeredVariables[name];
      if (!value || value.dtype !== 'float32' || gradient.dtype !== 'float32' || gradient.size !== value.size) {
        throw new RangeError(`no float32 variable ${name} of ${gradient.size} elements to apply a float32 gradient to`);
      }
      const slots = this.slotsOf(name, value);
      const offsetOf = (t: tf.TensorInfo) => this.backend.getMemoryOffset(t.dataId);
      // The slots, the optimizer's own, are updated in place: RMSprop's 154 MB mean square of a
      // Flatten head is not allocated again every step. The variable too when it allows it; else it
      // gets new memory, which a packed matMul operand needs (in-place-variables.ts).
      const inPlace = isUpdatedInPlace(value);
      const updated = inPlace ? value : this.backend.makeOutput(value.shape, 'float32');
      this.kernels.run(this.rule.program, [value, gradient, ...slots].map(offsetOf), [updated, ...slots].map(offsetOf), value.size, scalars);
      if (inPlace) continue;
      const tensor = tf.engine().makeTensorFromTensorInfo(updated);
      value.assign(tensor);
      tensor.dispose();
    }
    this.incrementIterations();
  }

  private slotsOf(name: string, value: tf.Variable): tf.Variable[] {
    let slots = this.slots.get(name);
    if (!slots) {
      slots = this.rule.slots.map(() => tf.tidy(() => tf.zerosLike(value).variable(false)));
      this.slots.set(name, slots);
    }
    return slots;
  }

  override dispose(): void {
    super.dispose();
    for (const slots of this.slots.values()) tf.dispose(slots);
    this.slots.clear();
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { rule: this.rule.program.name };
  }
}
