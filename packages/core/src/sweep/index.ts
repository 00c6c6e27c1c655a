export { expandSweep, maxVariants, type PlannedVariant } from './expand-sweep.ts';
export { variantId, type VariantIdentity } from './variant-id.ts';
