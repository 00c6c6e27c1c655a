import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { notRegularFile, type ResolvedConfig } from '@tlab/core';
import { DataClassMismatchError, DataEmptyError, DataMissingError, DataSingleClassError } from './data-errors.ts';
import type { Dataset, DatasetItem, SkippedFile } from './dataset.ts';
import { datasetFingerprint, type FingerprintEntry } from './dataset-fingerprint.ts';
import { undecodableReason } from './decode-image.ts';
import { downloadDataset } from './download-dataset.ts';
import { listClassFolders, listImageFiles } from './image-files.ts';
import { decodeConcurrency, mapWithConcurrency } from './map-with-concurrency.ts';
import { materialiseMnist } from './mnist-dataset.ts';

export interface ResolveDatasetOptions {
  /** The run's seed. Unused while resolving: Keras's `validation_split` holds out by file order, not at random. */
  readonly seed: number;
  /** Folder of the spec file: `data.root`, or else relative `train`/`validation`, resolve against it. */
  readonly specDir: string;
  /**
   * --data-root / TLAB_DATA_ROOT: relative `train`/`validation` resolve against it instead of
   * `data.root`, and `data.url` is then not downloaded (the override points at a local copy).
   */
  readonly dataRoot?: string;
  /** Where `data.url` archives are downloaded (`downloads/`) and unpacked and built-ins materialised (`datasets/`). */
  readonly cacheDir: string;
}

/** A split folder and, for error messages, the spec field it came from and how its path was found. */
interface SplitFolder {
  readonly field: string;
  readonly dir: string;
  readonly how: string;
}

/** Where a dataset's images are: a validation folder, or a fraction of train to hold out. */
type DatasetFolders =
  | { readonly train: SplitFolder; readonly validation: SplitFolder }
  | { readonly train: SplitFolder; readonly validationSplit: number };

/**
 * Finds, checks and fingerprints the images of `data`, decoding every file once so that unreadable
 * ones are listed in `skipped` instead of failing a run hours later. Holds no pixels: loading
 * happens batch by batch.
 */
export async function resolveDataset(data: ResolvedConfig['data'], options: ResolveDatasetOptions): Promise<Dataset> {
  return resolveClassFolders(await datasetFolders(data, options), data.max_per_class);
}

async function datasetFolders(data: ResolvedConfig['data'], options: ResolveDatasetOptions): Promise<DatasetFolders> {
  if (data.builtin !== undefined) {
    const dirs = await materialiseMnist(data.builtin, options.cacheDir);
    const how = `built from the mnist package into ${options.cacheDir}`;
    return { train: { field: 'data.builtin', dir: dirs.train, how }, validation: { field: 'data.builtin', dir: dirs.validation, how } };
  }
  if (data.train === undefined) {
    throw new TypeError('data needs `train` or `builtin`; the spec schema enforces this');
  }
  const base = await dataBase(data, options);
  const train = splitFolder('data.train', data.train, base);
  if (data.validation !== undefined) {
    return { train, validation: splitFolder('data.validation', data.validation, base) };
  }
  if (data.validation_split !== undefined) {
    return { train, validationSplit: data.validation_split };
  }
  throw new TypeError('data needs `validation` or `validation_split`; the spec schema enforces this');
}

async function dataBase(data: ResolvedConfig['data'], options: ResolveDatasetOptions): Promise<{ dir: string; source: string }> {
  if (options.dataRoot !== undefined) {
    return { dir: path.resolve(options.dataRoot), source: 'the data root given by --data-root / TLAB_DATA_ROOT' };
  }
  const parent =
    data.url !== undefined && data.sha256 !== undefined
      ? { dir: await downloadDataset(data.url, data.sha256, options.cacheDir), source: `the unpacked archive of data.url` }
      : { dir: path.resolve(options.specDir), source: 'the spec folder' };
  if (data.root !== undefined) {
    return { dir: path.resolve(parent.dir, data.root), source: `data.root '${data.root}' (relative to ${parent.source})` };
  }
  return parent;
}

function splitFolder(field: string, value: string, base: { dir: string; source: string }): SplitFolder {
  return {
    field,
    dir: path.resolve(base.dir, value),
    how: path.isAbsolute(value) ? 'an absolute path' : `'${value}' resolved against ${base.dir}, ${base.source}`,
  };
}

interface ListedFile {
  readonly split: 'train' | 'validation';
  readonly label: number;
  readonly relativePath: string;
  readonly path: string;
}

type Inspection = { readonly size: number; readonly sha256: string } | { readonly reason: string };

/** Resolves class folders wherever they came from (a spec's folders, a built-in, a download). */
async function resolveClassFolders(folders: DatasetFolders, maxPerClass: number | undefined): Promise<Dataset> {
  const { train } = folders;
  const classes = await classFoldersOf(train);
  if (classes.length === 0) {
    throw new DataEmptyError(train.field, train.dir, 'no class sub-folders (images directly in the folder are not used)');
  }
  if (classes.length === 1) {
    throw new DataSingleClassError(train.field, train.dir, classes);
  }
  const validationFolder = 'validation' in folders ? folders.validation : train;
  if ('validation' in folders) {
    const validationClasses = await classFoldersOf(folders.validation);
    const onlyTrain = classes.filter((name) => !validationClasses.includes(name));
    const onlyValidation = validationClasses.filter((name) => !classes.includes(name));
    if (onlyTrain.length > 0 || onlyValidation.length > 0) {
      throw new DataClassMismatchError(train.dir, folders.validation.dir, onlyTrain, onlyValidation);
    }
  }

  const listed: ListedFile[] = [];
  const cap = (files: string[]): string[] => (maxPerClass === undefined ? files : files.slice(0, maxPerClass));
  for (const [label, className] of classes.entries()) {
    const classDir = path.join(train.dir, className);
    const files = await listImageFiles(classDir);
    if (files.length === 0) {
      throw new DataEmptyError(train.field, classDir, `class folder '${className}' has no images`);
    }
    // Keras's validation_split: the first int(fraction · n) files of each class, by name, are validation.
    const held = 'validation' in folders ? 0 : Math.floor(folders.validationSplit * files.length);
    const validationFiles = 'validation' in folders ? await listImageFiles(path.join(folders.validation.dir, className)) : files.slice(0, held);
    const add = (split: ListedFile['split'], dir: string, names: string[]): void => {
      for (const name of cap(names)) {
        listed.push({ split, label, relativePath: `${className}/${name}`, path: path.join(dir, name) });
      }
    };
    add('train', classDir, files.slice(held));
    add('validation', path.join(validationFolder.dir, className), validationFiles);
  }
  const noValidation = 'validation' in folders ? 'no images' : `validation_split ${folders.validationSplit} holds out no image of any class`;
  if (!listed.some((file) => file.split === 'validation')) {
    throw new DataEmptyError(validationFolder.field, validationFolder.dir, noValidation);
  }

  const inspections = await mapWithConcurrency(listed, decodeConcurrency, (file) => inspect(file.path));
  const items: Record<ListedFile['split'], DatasetItem[]> = { train: [], validation: [] };
  const entries: FingerprintEntry[] = [];
  const skipped: SkippedFile[] = [];
  for (const [index, file] of listed.entries()) {
    const inspection = inspections[index] as Inspection;
    if ('reason' in inspection) {
      skipped.push({ path: file.path, reason: inspection.reason });
    } else {
      items[file.split].push({ path: file.path, label: file.label, sha256: inspection.sha256 });
      entries.push({ split: file.split, relativePath: file.relativePath, size: inspection.size, sha256: inspection.sha256 });
    }
  }
  for (const [label, className] of classes.entries()) {
    if (!items.train.some((item) => item.label === label)) {
      const classDir = path.join(train.dir, className);
      throw new DataEmptyError(train.field, classDir, `no image of class '${className}' could be decoded (${describeSkipped(skipped, classDir)})`);
    }
  }
  if (items.validation.length === 0) {
    throw new DataEmptyError(validationFolder.field, validationFolder.dir, `no validation image could be decoded (${describeSkipped(skipped, validationFolder.dir)})`);
  }
  return { classes, train: items.train, validation: items.validation, fingerprint: datasetFingerprint(classes, entries), skipped };
}

async function classFoldersOf(folder: SplitFolder): Promise<string[]> {
  const classes = await listClassFolders(folder.dir);
  if (classes === null) {
    throw new DataMissingError(folder.field, folder.dir, folder.how);
  }
  return classes;
}

async function inspect(file: string): Promise<Inspection> {
  let bytes: Buffer;
  try {
    // A FIFO among the images would block the read for good, a link to /dev/zero never end it.
    const kind = notRegularFile(await fs.stat(file));
    if (kind !== undefined) return { reason: `not read: it is ${kind}, not an image file` };
    bytes = await fs.readFile(file);
  } catch (error) {
    // A dangling link, a link loop (ELOOP), a folder named like an image, no permission.
    const code = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    // Folder listings decode names as UTF-8, so a name with other bytes (Latin-1 from an old zip)
    // comes back with U+FFFD in their place and no longer names the file: ENOENT would be a lie.
    if (code === 'ENOENT' && path.basename(file).includes('\uFFFD')) {
      return { reason: 'cannot read: the file name is not valid UTF-8 (the bad bytes are shown as \uFFFD); rename the file' };
    }
    return { reason: `cannot read: ${code}` };
  }
  const reason = await undecodableReason(bytes);
  return reason === null ? { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') } : { reason };
}

function describeSkipped(skipped: readonly SkippedFile[], under: string): string {
  const here = skipped.filter((file) => file.path.startsWith(under + path.sep));
  const first = here[0];
  return first === undefined ? 'no files' : `${here.length} unreadable, e.g. ${first.path}: ${first.reason}`;
}
