export { caughtTlabError } from './caught-tlab-error.ts';
export { sharedDataset, sharedDatasetsRoot, sharedPath } from './shared-datasets.ts';
export { tinySpecText, tinyWorkspace, writeTinyImages, type Rgb, type TinyImageOptions, type TinySpecOverrides, type TinyWorkspace } from './tiny-experiment.ts';
export { writePng } from './write-png.ts';
