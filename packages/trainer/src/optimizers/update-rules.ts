import { add, div, elementwiseProgram, mul, sqrt, sub, type ElementwiseProgram } from '../wasm/elementwise-program.ts';

export interface Hyperparameters {
  readonly learningRate: number;
}

/**
 * One optimizer's per-element update: the program reads `value`, `gradient` and the slots, and
 * writes the new value and slots; `scalars` gives its scalar operands for the n-th update (1-based).
 */
export interface UpdateRule {
  readonly program: ElementwiseProgram;
  /** Per-variable state arrays, zero at the start, in the program's input and output order. */
  readonly slots: readonly string[];
  scalars(step: number): number[];
}

// Each expression follows tfjs 4.22's own optimizer op for op (tfjs-core/src/optimizers), so the
// fused update equals tf.train.<name>'s result bit for bit; the tests hold it to that.

/** tf.train.sgd: value + (-lr)·g. */
export function sgdRule({ learningRate }: Hyperparameters): UpdateRule {
  return {
    program: elementwiseProgram('sgd', ['value', 'gradient'], ['negativeLearningRate'], (x, s) => ({
      value: add(mul(s.negativeLearningRate, x.gradient), x.value),
    })),
    slots: [],
    scalars: () => [-learningRate],
  };
}

/**
 * tf.train.rmsprop without momentum and uncentred, which is Keras's RMSprop default; tfjs then
 * still keeps a momentum array that only ever holds the last step, so the fused rule drops it.
 */
export function rmspropRule({ learningRate, decay = 0.9, epsilon }: Hyperparameters & { decay?: number; epsilon: number }): UpdateRule {
  return {
    program: elementwiseProgram('rmsprop', ['value', 'gradient', 'meanSquare'], ['decay', 'oneMinusDecay', 'learningRate', 'epsilon'], (x, s) => {
      const meanSquare = add(mul(x.meanSquare, s.decay), mul(mul(x.gradient, x.gradient), s.oneMinusDecay));
      const step = div(mul(x.gradient, s.learningRate), sqrt(add(meanSquare, s.epsilon)));
      return { value: sub(x.value, step), meanSquare };
    }),
    slots: ['meanSquare'],
    scalars: () => [decay, 1 - decay, learningRate, epsilon],
  };
}

/** tf.train.adam, whose bias corrections use β^t accumulated in float32 as tfjs does. */
export function adamRule({ learningRate, beta1 = 0.9, beta2 = 0.999, epsilon }: Hyperparameters & { beta1?: number; beta2?: number; epsilon: number }): UpdateRule {
  const [power1, power2] = [accumulatedPower(beta1), accumulatedPower(beta2)];
  return {
    program: elementwiseProgram(
      'adam',
      ['value', 'gradient', 'firstMoment', 'secondMoment'],
      ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negativeLearningRate'],
      (x, s) => {
        const firstMoment = add(mul(x.firstMoment, s.beta1), mul(x.gradient, s.oneMinusBeta1));
        const secondMoment = add(mul(x.secondMoment, s.beta2), mul(mul(x.gradient, x.gradient), s.oneMinusBeta2));
        const corrected = div(div(firstMoment, s.oneMinusAccBeta1), add(sqrt(div(secondMoment, s.oneMinusAccBeta2)), s.epsilon));
        return { value: add(mul(corrected, s.negativeLearningRate), x.value), firstMoment, secondMoment };
      },
    ),
    slots: ['firstMoment', 'secondMoment'],
    scalars: (step) => [beta1, 1 - beta1, beta2, 1 - beta2, 1 - power1(step), 1 - power2(step), epsilon, -learningRate],
  };
}

/**
 * β^step as tfjs's float32 variable accumulates it: starting at β, one rounded product per step.
 * Steps come in order, so each power extends the last one instead of starting over.
 */
function accumulatedPower(beta: number): (step: number) => number {
  const factor = Math.fround(beta);
  let last = { step: 1, power: factor };
  return (step) => {
    let { step: at, power } = last.step <= step ? last : { step: 1, power: factor };
    for (; at < step; at++) power = Math.fround(power * factor);
    last = { step, power };
    return power;
  };
}
