import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { formatBytes, inspectStore, isTlabError, notRegularFile, openStore, type Store } from '@tlab/core';
import {
  createFrozenExtractor,
  FeatureCache,
  libraryVersions,
  loadFrozenPart,
  selectBackend,
  type FrozenEngine,
  type FrozenPart,
} from '@tlab/trainer';
import { prepareCacheDir } from '../settings/cache-dir.ts';
import type { RunSettings } from '../settings/run-settings.ts';
import { orphanedRuns, stuckRuns } from '../sweep/stuck-runs.ts';
import { inspectArtifacts, type ArtifactHealth } from '../trained/artifact-health.ts';
import type { Output } from './output.ts';

interface Check {
  readonly ok: boolean;
  readonly text: string;
  /** What to do about a failed check. */
  readonly fix?: string;
}

const require = createRequire(import.meta.url);

interface DoctorOptions {
  readonly db: string;
  readonly cacheDir: string;
  /** The backend to measure, and the data root and weights a sweep would identify variants with. */
  readonly settings: RunSettings;
}

/**
 * `tlab doctor`: checks what a sweep depends on, measures the engines on the embedded
 * InceptionV3, and looks at the results DB without changing it. Exit code 1 when a check failed.
 */
export async function runDoctor(options: DoctorOptions, out: Output): Promise<number> {
  const checks: Check[] = [];
  const report = (check: Check) => {
    checks.push(check);
    out.write(`${check.ok ? '✓' : '✗'} ${check.text}${check.fix ? `\n    → ${check.fix}` : ''}\n`);
  };
  const versions = libraryVersions();
  report({ ok: true, text: `Node ${process.version}, tfjs ${versions['tfjs-core']}, sharp ${versions['sharp']}, better-sqlite3 ${versions['better-sqlite3']}` });

  const engine = await selectBackend({ requested: options.settings.backend, warn: () => undefined });
  const hasTfjsNode = canResolve('@tensorflow/tfjs-node');
  report({
    ok: engine.backend !== 'cpu',
    text: `tfjs backend: ${engine.backend} (${engine.threads} thread(s)); @tensorflow/tfjs-node ${hasTfjsNode ? 'installed' : 'not installed (optional)'}`,
    ...(engine.backend === 'cpu' ? { fix: 'the pure-JS cpu backend is ~30x slower: check that @tensorflow/tfjs-backend-wasm installed' } : {}),
  });

  const cacheProblem = checkCacheDir(options.cacheDir);
  if (cacheProblem !== undefined) report(cacheProblem);
  else {
    const part = await loadFrozenPart({ name: 'inception_v3', weights: 'embedded', cutoff: 'mixed7' }, ['mixed7'], [150, 150]);
    try {
      for (const name of ['onnx', 'tfjs'] as const) report(await measureEngine(part, name, options.cacheDir, engine.threads));
    } finally {
      part.dispose();
    }
  }

  report(await checkSharp());
  const { dataRoot, weights } = options.settings;
  if (dataRoot !== undefined) report(checkFolder('data root (--data-root, TLAB_DATA_ROOT)', dataRoot));
  if (weights.weightsDir !== undefined) report(checkFolder('weights folder (--weights-dir, TLAB_WEIGHTS_DIR)', weights.weightsDir));
  const storeChecks = checkStore(options.db);
  for (const check of storeChecks) report(check);
  // Identifying variants anew needs a readable DB and a cache for the data it resolves.
  if (storeChecks.every((check) => check.ok) && cacheProblem === undefined) for (const check of await checkStuckRuns(options)) report(check);
  for (const check of checkArtifacts(options.db)) report(check);
  if (cacheProblem === undefined) {
    const cache = new FeatureCache(path.join(options.cacheDir, 'features'));
    const stats = cache.stats();
    cache.close();
    report({ ok: true, text: `feature cache ${stats.file}: ${stats.entries} entries, ${formatBytes(stats.bytes)} of ${formatBytes(stats.budgetBytes)}` });
  }

  const failed = checks.filter((c) => !c.ok).length;
  out.write(failed === 0 ? 'All checks passed.\n' : `${failed} check(s) failed.\n`);
  return failed === 0 ? 0 : 1;
}

async function measureEngine(part: FrozenPart, name: FrozenEngine, cacheDir: string, tfjsThreads: number): Promise<Check> {
  try {
    const extractor = await createFrozenExtractor(part, { engine: name, cacheDir, warn: () => undefined, tfjsThreads });
    try {
      const n = name === 'onnx' ? 16 : 4;
      const pixels = new Float32Array(n * 150 * 150 * 3).fill(0.5);
      // Two warm-ups: ONNX Runtime settles its layouts on the first runs.
      for (let i = 0; i < 2; i++) await extractor.extract(pixels, n);
      const started = performance.now();
      await extractor.extract(pixels, n);
      const perSecond = n / ((performance.now() - started) / 1000);
      return { ok: true, text: `frozen engine ${extractor.engine} (${extractor.threads} thread(s)): InceptionV3→mixed7 at 150×150, ${perSecond.toFixed(1)} images/s` };
    } finally {
      await extractor.dispose();
    }
  } catch (error) {
    return { ok: false, text: `frozen engine ${name} failed: ${(error as Error).message}`, fix: 'reinstall (npm install); for onnx, keep onnxruntime-node-install=skip in .npmrc' };
  }
}

async function checkSharp(): Promise<Check> {
  try {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } }).png().toBuffer();
    const { info } = await sharp(png).resize(4, 4).raw().toBuffer({ resolveWithObject: true });
    return { ok: info.width === 4, text: `sharp decodes and resizes images (libvips ${sharp.versions.vips})` };
  } catch (error) {
    return { ok: false, text: `sharp cannot decode images: ${(error as Error).message}`, fix: 'reinstall sharp (npm rebuild sharp)' };
  }
}

function checkStore(file: string): Check[] {
  const health = inspectStore(file);
  const sqlite = `SQLite ${health.sqliteVersion}`;
  if (!health.exists) return [{ ok: true, text: `${sqlite}; results DB ${file} does not exist yet (the first sweep creates it)` }];
  if (health.problem) return [{ ok: false, text: `results DB ${file}: ${health.problem}`, fix: 'point --db at another file, or move this one away' }];
  const checks: Check[] = [
    {
      ok: health.integrity === 'ok',
      text: `${sqlite}; results DB ${file}: integrity ${health.integrity}, journal ${health.journalMode}`,
      ...(health.integrity === 'ok' ? {} : { fix: 'restore the DB from a backup; copy results out with sqlite3 .recover' }),
    },
  ];
  const version = health.schemaVersion!;
  checks.push(
    version > health.latestSchemaVersion
      ? { ok: false, text: `schema version ${version} is newer than this tlab (${health.latestSchemaVersion})`, fix: 'upgrade tlab' }
      : { ok: true, text: `schema version ${version} of ${health.latestSchemaVersion}${version < health.latestSchemaVersion ? ' (the next sweep migrates it)' : ''}` },
  );
  return checks;
}

/**
 * Runs left running by a process that is gone: a sweep takes over those it still identifies by
 * the same variant id; the others (their data or weights changed since) only `tlab runs abandon` ends.
 */
async function checkStuckRuns(options: DoctorOptions): Promise<Check[]> {
  if (!fs.existsSync(options.db)) return [];
  let store: Store;
  try {
    store = openStore(options.db, { readonly: true });
  } catch (error) {
    // An older schema: checkStore said the next sweep migrates it; runs are checked after that.
    if (isTlabError(error)) return [];
    throw error;
  }
  try {
    const stuck = stuckRuns(store);
    const running = store.listExperiments().reduce((sum, e) => sum + e.statusCounts.running, 0);
    if (stuck.length === 0) return [{ ok: true, text: `no stale leases (${running} run(s) being trained now)` }];
    const orphaned = await orphanedRuns(store, stuck, options);
    const resumable = stuck.filter((run) => !orphaned.some((o) => o.runId === run.id));
    const checks: Check[] = [];
    if (resumable.length > 0) {
      checks.push({
        ok: false,
        text: `${resumable.length} run(s) left running by a dead or hung sweep: ${resumable.map((run) => run.id).join(', ')}`,
        fix: 'run the sweep again: it takes these runs over and restarts them (or tlab runs abandon marks them interrupted)',
      });
    }
    if (orphaned.length > 0) {
      checks.push({
        ok: false,
        text: `${orphaned.length} run(s) stuck running whose variant id no longer matches the current data: ${orphaned.map((o) => `${o.runId} (${o.reason})`).join('; ')}`,
        fix: 'no sweep takes these over: tlab runs abandon marks them interrupted',
      });
    }
    return checks;
  } finally {
    store.close();
  }
}

/** A data root or weights folder given by hand must be a folder: a sweep would otherwise fail on it later, variant by variant. */
function checkFolder(what: string, dir: string): Check {
  const stats = fs.statSync(dir, { throwIfNoEntry: false });
  const kind = stats === undefined ? 'does not exist' : stats.isDirectory() ? undefined : `is ${notRegularFile(stats) ?? 'a file'}`;
  if (kind === undefined) return { ok: true, text: `${what} ${dir}: a folder` };
  return { ok: false, text: `${what} ${dir} ${kind}`, fix: 'point it at the folder that holds the data or weights the specs name' };
}

/** A cache folder that is a file or cannot be written fails every engine check; said once, plainly. */
function checkCacheDir(cacheDir: string): Check | undefined {
  try {
    prepareCacheDir(cacheDir);
    return undefined;
  } catch (error) {
    if (!isTlabError(error)) throw error;
    return { ok: false, text: error.message, fix: 'point --cache-dir at a folder tlab can write' };
  }
}

/** Every checkpoint the DB references must be there and match its hash; store problems are reported by checkStore. */
function checkArtifacts(file: string): Check[] {
  let health: ArtifactHealth;
  try {
    health = inspectArtifacts(file);
  } catch (error) {
    if (isTlabError(error)) return [];
    throw error;
  }
  const { dir, files, bytes, referenced, damaged, unreferenced } = health;
  const summary = `artifacts ${dir}: ${files} checkpoint file(s), ${formatBytes(bytes)}; ${referenced} referenced by runs`;
  const checks: Check[] = [
    damaged.length === 0
      ? { ok: true, text: summary }
      : {
          ok: false,
          text: `${summary}; ${damaged.length} run(s) with a damaged checkpoint: ${damaged.slice(0, 10).map((d) => `${d.runId} ${d.problem}`).join(', ')}`,
          fix: 'retrain a run to write its checkpoint again: tlab reproduce <run-id> shows it still gives the same numbers',
        },
  ];
  if (unreferenced > 0) checks.push({ ok: true, text: `${unreferenced} checkpoint file(s) no run references`, fix: 'tlab runs gc deletes them' });
  return checks;
}

function canResolve(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
