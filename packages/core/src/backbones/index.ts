export type { Backbone, BackboneConfig } from './backbone.ts';
export * from './backbone-errors.ts';
export type { BackboneCheck } from './load-backbone.ts';
export { backboneLayerNames, backboneWeightsHash, loadBackbone, validateBackboneConfig } from './load-backbone.ts';
