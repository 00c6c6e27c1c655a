export * from './finetune-errors.ts';
export { FrozenBatchNorm } from './frozen-batch-norm.ts';
export type { TrainableBlock, TrainableBlockPlan } from './load-trainable-block.ts';
export { loadTrainableBlock, planTrainableBlock, trainableFromSuggestions } from './load-trainable-block.ts';
