export { readKerasWeightFile, type KerasWeightFile, type StoredLayerWeights, type StoredWeight } from './keras-weight-file.ts';
export { locateBackbone, type LocateContext, type LocatedBackbone, type WeightsSettings } from './locate-backbone.ts';
export { WeightsInvalidError, WeightsMismatchError, WeightsMissingError, WeightsNotFoundError } from './weights-errors.ts';
