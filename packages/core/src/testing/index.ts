export { caughtTlabError } from './caught-tlab-error.ts';
export { sharedDataset, sharedDatasetsRoot, sharedPath } from './shared-datasets.ts';
