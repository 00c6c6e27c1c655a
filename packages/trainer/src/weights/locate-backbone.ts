import { access } from 'node:fs/promises';
import path from 'node:path';
import { kerasImagenetFile, type KerasWeightsFile } from '../architectures/architectures.ts';
import type { ArchitectureName } from '@tlab/core';
import type { BackboneConfig } from '../backbones/backbone.ts';
import { downloadFile, DownloadDigestMismatch, DownloadFailure } from '../download/download-file.ts';
import { WeightsMissingError } from './weights-errors.ts';
import { remembered } from '../memo/remembered.ts';

/** Where weights are looked for and whether they may be fetched; resolved once by the runner. */
export interface WeightsSettings {
  /** `--weights-dir` / `TLAB_WEIGHTS_DIR`, searched first. */
  readonly weightsDir: string | undefined;
  /** Keras's own cache (`~/.keras/models`), searched third. */
  readonly kerasCacheDir: string;
  /** False (`TLAB_OFFLINE=1`): never fetch; missing weights fail at once. */
  readonly download: boolean;
}

/** Where a spec's files are: its folder (relative paths), and Transfer Lab's cache (`<cacheDir>/weights` is searched second and receives downloads). */
export interface LocateContext {
  readonly specDir: string;
  readonly cacheDir: string;
  readonly weights: WeightsSettings;
}

/** A backbone whose files are found: `path` and `weights` absolute (or `embedded`), ready for loadBackbone. */
export interface LocatedBackbone {
  readonly backbone: BackboneConfig;
  /** What a run records and the UI shows: `imagenet (keras h5)`, `embedded (nsfwjs)`, a path as written. */
  readonly weightsSource: string;
}

const located = remembered<LocatedBackbone>();

/**
 * Finds the files a resolved backbone names: a relative `path` or `weights` against the spec's
 * folder, and `weights: imagenet` as keras.applications would — the Keras file (or a converted
 * `<backbone>_imagenet/model.json` folder) in the weights folder, Transfer Lab's cache or Keras's
 * cache, else downloaded once from Keras's URL into the cache and checked against Keras's hash.
 * Each distinct request is answered once per process, so a sweep downloads at most once.
 */
export function locateBackbone(backbone: BackboneConfig, imageSize: readonly [number, number], context: LocateContext): Promise<LocatedBackbone> {
  return located(JSON.stringify([backbone, imageSize, context.specDir, context.cacheDir, context.weights]), () => locate(backbone, imageSize, context));
}

async function locate(backbone: BackboneConfig, imageSize: readonly [number, number], context: LocateContext): Promise<LocatedBackbone> {
  const { specDir } = context;
  if (backbone.path !== undefined) return { backbone: { ...backbone, path: path.resolve(specDir, backbone.path) }, weightsSource: backbone.path };
  const { name, weights } = backbone;
  if (name === 'tiny_cnn') return { backbone, weightsSource: 'embedded (seeded)' };
  if (weights === 'embedded') return { backbone, weightsSource: 'embedded (nsfwjs)' };
  if (weights !== undefined && weights !== 'imagenet') return { backbone: { ...backbone, weights: path.resolve(specDir, weights) }, weightsSource: weights };
  const file = await findImagenet(name, { imageSize, alpha: backbone.alpha ?? 1 }, context);
  return { backbone: { ...backbone, weights: file }, weightsSource: file.endsWith('.json') ? 'imagenet (tfjs)' : 'imagenet (keras h5)' };
}

async function findImagenet(name: ArchitectureName, options: { imageSize: readonly [number, number]; alpha: number }, context: LocateContext): Promise<string> {
  const settings = context.weights;
  const keras = kerasImagenetFile(name, options);
  const converted = path.join(options.alpha === 1 ? `${name}_imagenet` : `${name}_${options.alpha}_imagenet`, 'model.json');
  // Absolute, so the located backbone names its file wherever it is loaded from (a relative TLAB_WEIGHTS_DIR is the shell's).
  const cache = path.resolve(context.cacheDir, 'weights');
  const places = [settings.weightsDir, cache, settings.kerasCacheDir].filter((dir): dir is string => dir !== undefined).map((dir) => path.resolve(dir));
  const looked: string[] = [];
  for (const dir of places) {
    for (const candidate of [path.join(dir, keras.fileName), path.join(dir, converted)]) {
      looked.push(candidate);
      if (await exists(candidate)) return candidate;
    }
  }
  const target = path.join(cache, keras.fileName);
  if (!settings.download) throw new WeightsMissingError(name, keras.url, looked, 'downloads are off: TLAB_OFFLINE is set');
  await fetchKerasFile(name, keras, target, looked);
  return target;
}

async function fetchKerasFile(name: ArchitectureName, keras: KerasWeightsFile, target: string, looked: readonly string[]): Promise<void> {
  try {
    await downloadFile(keras.url, target, keras.md5 === undefined ? undefined : { algorithm: 'md5', digest: keras.md5 });
  } catch (error) {
    if (error instanceof DownloadFailure) throw new WeightsMissingError(name, keras.url, looked, error.reason, { cause: error });
    if (error instanceof DownloadDigestMismatch) {
      throw new WeightsMissingError(name, keras.url, looked, `the download has md5 ${error.actual}, Keras publishes ${keras.md5}; it was removed`, { cause: error });
    }
    throw error;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
