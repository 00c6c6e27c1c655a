import { BackboneError } from '../backbones/backbone-errors.ts';

/** A layer `trainable_from` may name, and the frozen layer whose output would feed the trained part. */
export interface TrainableFromChoice {
  readonly layer: string;
  readonly boundary: string;
}

export interface TrainableFromSplitDetails {
  readonly backbone: string;
  readonly trainableFrom: string;
  readonly cutoff: string;
  /** Every frozen layer the trained part would read, in model order. */
  readonly frozenInputs: readonly string[];
  /** The nearest start at or after `trainableFrom` that works, when there is one before the cutoff. */
  readonly nearest: TrainableFromChoice | undefined;
  /** Starts right after a block output (mixedN for InceptionV3), nearest the cutoff last. */
  readonly choices: readonly TrainableFromChoice[];
}

/**
 * The trained part is fed by cached features of ONE frozen layer; a start inside a block (one
 * branch of an Inception module, or inside a residual block) would also read the block's other
 * branches or its skip input, which nothing caches.
 */
export class TrainableFromSplitError extends BackboneError {
  readonly details: TrainableFromSplitDetails;

  constructor(details: TrainableFromSplitDetails) {
    const { backbone, trainableFrom, cutoff, frozenInputs, nearest, choices } = details;
    const describe = (choice: TrainableFromChoice) => `'${choice.layer}' (after ${choice.boundary})`;
    const nearestHint = nearest === undefined ? '' : ` The nearest start that works is ${describe(nearest)}.`;
    const listed = choices.length === 0 ? '' : ` Starts right after a block output: ${choices.map(describe).join(', ')}.`;
    super(
      'TLAB_TRAINABLE_FROM_SPLIT',
      `backbone.trainable_from: training backbone ${backbone} from '${trainableFrom}' to '${cutoff}' would read ` +
        `${frozenInputs.length} frozen layers (${frozenInputs.join(', ')}), but fine-tuning starts from the output of ` +
        `exactly one frozen layer: pick the first layer of a block, not one inside it.${nearestHint}${listed}`,
    );
    this.name = 'TrainableFromSplitError';
    this.details = details;
  }
}

export class FinetuneUnsupportedError extends BackboneError {
  constructor(backbone: string, layer: string, reason: string) {
    super('TLAB_FINETUNE_UNSUPPORTED', `backbone.trainable_from: cannot fine-tune layer '${layer}' of backbone ${backbone}: ${reason}.`);
    this.name = 'FinetuneUnsupportedError';
  }
}
