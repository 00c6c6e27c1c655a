/**
 * The reference sweep three ways — naive on tfjs (every variant alone, features recomputed every
 * epoch, as Keras does), naive on ONNX Runtime, and planned (shared frozen passes + feature cache)
 * — then its augmentation-off half cold and warm. Each run is a child `tlab sweep` process so wall
 * time and peak RSS are its own.
 */
import path from 'node:path';
import { maxMetricDiff as metricDiff, referenceWorkspace, runsOf } from './support/reference-workspace.ts';

const { work, sweep } = referenceWorkspace('reference-sweep');

const naiveTfjs = sweep('naive-tfjs', ['--strategy', 'naive', '--frozen-engine', 'tfjs', '--cache-dir', path.join(work, 'cache-naive')]);
const naive = sweep('naive-onnx', ['--strategy', 'naive', '--frozen-engine', 'onnx', '--cache-dir', path.join(work, 'cache-naive')]);
// float32 cache: the naive runs keep no cache, so equal precision is what makes their numbers comparable.
const planned = sweep('planned', ['--strategy', 'planned', '--frozen-engine', 'onnx', '--feature-precision', 'float32', '--cache-dir', path.join(work, 'cache-planned')]);

/** Seconds all of a DB's runs spent producing features (image loading + frozen pass) or training heads. */
function secondsIn(db: string, metric: 'feature_seconds' | 'head_seconds'): number {
  return runsOf(db).reduce((sum, { metrics }) => sum + (metrics[metric] ?? 0), 0);
}

const maxMetricDiff = metricDiff(planned.db, naive.db);
const featureSeconds = secondsIn(planned.db, 'feature_seconds');
const headSeconds = secondsIn(planned.db, 'head_seconds');

const augmentationOff = runsOf(planned.db).filter(({ run }) => run.params['augment'] === 'none').map(({ run }) => ['--only', run.id]).flat();
const halfCache = path.join(work, 'cache-half');
const cold = sweep('half-cold', ['--cache-dir', halfCache, ...augmentationOff]);
const warm = sweep('half-warm', ['--cache-dir', halfCache, ...augmentationOff]);

// The warm re-run trains its heads again; what the cache can save is the feature time, shown apart.
const warmFeatureRatio = secondsIn(warm.db, 'feature_seconds') / secondsIn(cold.db, 'feature_seconds');

const speedup = naiveTfjs.seconds / planned.seconds;
const sharingSpeedup = naive.seconds / planned.seconds;
const backboneShare = featureSeconds / (featureSeconds + headSeconds);
const peakRssMb = Math.max(naiveTfjs.peakRssMb, naive.peakRssMb, planned.peakRssMb, cold.peakRssMb, warm.peakRssMb);
console.log(`
naive on tfjs      ${naiveTfjs.seconds.toFixed(1)} s   peak RSS ${naiveTfjs.peakRssMb.toFixed(0)} MB
naive on ONNX      ${naive.seconds.toFixed(1)} s   peak RSS ${naive.peakRssMb.toFixed(0)} MB
planned            ${planned.seconds.toFixed(1)} s   peak RSS ${planned.peakRssMb.toFixed(0)} MB
speedup (naive tfjs / planned) ${speedup.toFixed(2)}×; sharing speedup (naive ONNX / planned) ${sharingSpeedup.toFixed(2)}×
planned time producing features ${featureSeconds.toFixed(1)} s vs in heads ${headSeconds.toFixed(1)} s: backbone share ${backboneShare.toFixed(3)}
largest per-epoch metric difference naive ONNX vs planned (float32 cache): ${maxMetricDiff}
augmentation-off half: cold ${cold.seconds.toFixed(1)} s, warm ${warm.seconds.toFixed(1)} s (ratio ${(warm.seconds / cold.seconds).toFixed(3)}); feature time warm/cold ${warmFeatureRatio.toFixed(3)}, heads ${secondsIn(warm.db, 'head_seconds').toFixed(1)} s of the warm run
work folder: ${work}`);
console.log(
  `BENCH reference-sweep naive_tfjs_s=${naiveTfjs.seconds.toFixed(1)} naive_s=${naive.seconds.toFixed(1)} planned_s=${planned.seconds.toFixed(1)} ` +
    `speedup=${speedup.toFixed(2)} sharing_speedup=${sharingSpeedup.toFixed(2)} backbone_share=${backboneShare.toFixed(3)} ` +
    `max_metric_diff=${maxMetricDiff} peak_rss_mb=${peakRssMb.toFixed(0)} warm_cache_ratio=${(warm.seconds / cold.seconds).toFixed(3)} warm_feature_ratio=${warmFeatureRatio.toFixed(3)}`,
);
