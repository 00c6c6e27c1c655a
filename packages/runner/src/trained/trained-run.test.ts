import fs from 'node:fs';
import Database from 'better-sqlite3';
import path from 'node:path';
import { artifactsDirOf, ArtifactStore, openStore, predictedClass, type EpochRecord } from '@tlab/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { caughtTlabError, tinySpecText } from '@tlab/core/testing';
import { recordingReporter, tinyExperiment, tinySweep } from '../../test/tiny-experiment.ts';
import { defaultRunSettings } from '../settings/run-settings.ts';
import { runSweep } from '../sweep/run-sweep.ts';
import { collectArtifacts, inspectArtifacts } from './artifact-health.ts';
import { evaluateRun } from './evaluate-run.ts';
import { exportRun } from './export-run.ts';
import { loadModel, predictImages } from './predict-images.ts';
import { compareEpochs, reproduceRun } from './reproduce-run.ts';

const spec = tinySpecText({ train: { epochs: 4 }, sweep: tinySweep });
let ex: ReturnType<typeof tinyExperiment>;
let runId: string;
let bestCorrect: number;
const settings = defaultRunSettings();
const context = () => ({ dbFile: ex.db, cacheDir: ex.cacheDir, settings });
const validation = () => path.join(ex.dir, 'images', 'validation');

/** Correct answers of a prediction list whose files sit in their class folder. */
const correctOf = (predictions: ReadonlyArray<{ file: string; top: ReadonlyArray<{ label: string }> }>) =>
  predictions.filter((p) => path.basename(path.dirname(p.file)) === p.top[0]!.label).length;

beforeAll(async () => {
  ex = tinyExperiment(spec);
  await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
  const store = openStore(ex.db, { readonly: true });
  const runs = store.runsOf(store.listExperiments()[0]!.id);
  runId = runs[1]!.id;
  bestCorrect = Math.round(store.metricsOf(runId)['best_val_accuracy']! * store.predictionsOf(runId).length);
  store.close();
}, 120_000);

describe('a trained run kept', () => {
  it("stores the best epoch's checkpoint, and that epoch's confusion matrix and per-image predictions", () => {
    const store = openStore(ex.db, { readonly: true });
    for (const run of store.runsOf(store.listExperiments()[0]!.id)) {
      const metrics = store.metricsOf(run.id);
      const confusion = store.confusionOf(run.id)!;
      const predictions = store.predictionsOf(run.id);
      expect(confusion.epoch).toBe(metrics['best_epoch']);
      expect(predictions.map((p) => p.file)).toEqual(fs.readdirSync(validation()).flatMap((c) => fs.readdirSync(path.join(validation(), c)).map((f) => path.join(validation(), c, f))).sort());
      const matrix = confusion.classes.map(() => confusion.classes.map(() => 0));
      for (const p of predictions) matrix[p.label]![predictedClass(p.probabilities)]! += 1;
      expect(matrix).toEqual(confusion.matrix);
      expect(predictions.filter((p) => p.predicted === p.label).length / predictions.length).toBe(metrics['best_val_accuracy']);
      expect(run.checkpoint?.bytes).toBeGreaterThan(0);
      expect(fs.existsSync(new ArtifactStore(artifactsDirOf(ex.db)).fileOf(run.checkpoint!.sha256))).toBe(true);
    }
    store.close();
  });

  it.each(['tfjs', 'onnx'] as const)('exports as %s; predicting the validation folder with the export gets the recorded best accuracy', async (format) => {
    const out = path.join(ex.dir, `export-${format}`);
    const files = await exportRun({ ...context(), runId, out, format });
    expect(files.map((f) => path.basename(f)).sort()).toEqual(format === 'tfjs' ? ['metadata.json', 'model.json', 'weights.bin'] : ['metadata.json', 'model.onnx']);
    const metadata = JSON.parse(fs.readFileSync(path.join(out, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({ labels: ['bright', 'dark'], imageSize: 16, runId, format, preprocessing: { mode: 'rescale' } });
    const model = await loadModel(out, context());
    try {
      const { predictions, unreadable } = await predictImages(model, [validation()], { top: 2 });
      expect(unreadable).toEqual([]);
      expect(predictions).toHaveLength(12);
      expect(correctOf(predictions)).toBe(bestCorrect);
    } finally {
      model.classifier.dispose();
    }
  });

  it('gives the same probabilities from the ONNX export as from the tfjs export, within 1e-4', async () => {
    const probabilities = async (format: 'tfjs' | 'onnx') => {
      const out = path.join(ex.dir, `agree-${format}`);
      await exportRun({ ...context(), runId, out, format });
      const model = await loadModel(out, context());
      try {
        const { predictions } = await predictImages(model, [validation()], { top: 2 });
        return predictions.flatMap((p) => [...p.top].sort((a, b) => a.label.localeCompare(b.label)).map((t) => t.probability));
      } finally {
        model.classifier.dispose();
      }
    };
    const [tfjs, onnx] = [await probabilities('tfjs'), await probabilities('onnx')];
    expect(onnx).toHaveLength(24);
    expect(Math.max(...onnx.map((p, i) => Math.abs(p - tfjs[i]!)))).toBeLessThan(1e-4);
  });

  it('predicts from the run id too, and lists files it cannot read without stopping', async () => {
    const odd = path.join(ex.dir, 'odd');
    fs.mkdirSync(odd);
    fs.writeFileSync(path.join(odd, 'empty.png'), '');
    const model = await loadModel(runId, context());
    try {
      const { predictions, unreadable } = await predictImages(model, [validation(), odd, path.join(ex.dir, 'nope.jpg')], { top: 1 });
      expect(correctOf(predictions)).toBe(bestCorrect);
      expect(unreadable.map((u) => path.basename(u.file))).toEqual(['nope.jpg', 'empty.png']);
    } finally {
      model.classifier.dispose();
    }
  });

  it('evaluates on a labelled folder, and refuses one whose classes are not the run\'s (TLAB_EVALUATE_CLASSES)', async () => {
    const result = await evaluateRun(runId, validation(), context());
    expect(result).toMatchObject({ classes: ['bright', 'dark'], images: 12, correct: bestCorrect });
    const other = path.join(ex.dir, 'other');
    fs.cpSync(validation(), other, { recursive: true });
    fs.renameSync(path.join(other, 'dark'), path.join(other, 'night'));
    const error = await caughtTlabError(evaluateRun(runId, other, context()));
    expect(error.code).toBe('TLAB_EVALUATE_CLASSES');
    expect(error.message).toMatch(/missing dark; not in the run: night/);
  });

  it('reproduces the run: every epoch and the checkpoint identical', async () => {
    const result = await reproduceRun({ ...context(), runId, reporter: recordingReporter() });
    expect(result).toMatchObject({ runId, reproducedId: runId, identical: true, firstDifference: null, maxDifference: 0 });
    expect(result.checkpoint.reproduced).toBe(result.checkpoint.original);
  }, 60_000);

  it('refuses to reproduce on changed data, before training (TLAB_DATA_CHANGED)', async () => {
    const copy = tinyExperiment(spec);
    fs.cpSync(ex.db, copy.db);
    fs.cpSync(artifactsDirOf(ex.db), artifactsDirOf(copy.db), { recursive: true });
    fs.writeFileSync(path.join(copy.dir, 'images', 'validation', 'dark', '0.png'), fs.readFileSync(path.join(copy.dir, 'images', 'validation', 'dark', '1.png')));
    const reporter = recordingReporter();
    const error = await caughtTlabError(reproduceRun({ ...context(), dbFile: copy.db, runId, reporter, settings: { ...settings, dataRoot: copy.dir } }));
    expect(error.code).toBe('TLAB_DATA_CHANGED');
    expect(reporter.events.started).toEqual([]);
  });

  it('refuses to reproduce a run that never finished, before training (TLAB_RUN_WRONG_STATUS)', async () => {
    // It once retrained, then exited 1 with "different: … epochs" and nothing on stderr.
    const copy = tinyExperiment(spec);
    fs.cpSync(ex.db, copy.db);
    const db = new Database(copy.db);
    db.prepare(`UPDATE runs SET status = 'interrupted' WHERE id = ?`).run(runId);
    db.close();
    const reporter = recordingReporter();
    const error = await caughtTlabError(reproduceRun({ ...context(), dbFile: copy.db, runId, reporter }));
    expect(error.message).toBe(`cannot reproduce run ${runId} in ${copy.db}: it is interrupted, expected done or failed; finish it first (run its sweep again)`);
    expect(reporter.events.started).toEqual([]);
  });

  it('collects only unreferenced checkpoint files, and the doctor check sees every checkpoint intact', () => {
    const artifacts = new ArtifactStore(artifactsDirOf(ex.db));
    const orphan = artifacts.put([Buffer.from('not a run')]);
    expect(inspectArtifacts(ex.db)).toMatchObject({ referenced: 2, damaged: [], unreferenced: 1 });
    expect(collectArtifacts(ex.db)).toMatchObject({ removed: 1, bytes: orphan.bytes });
    expect(inspectArtifacts(ex.db)).toMatchObject({ files: 2, referenced: 2, damaged: [], unreferenced: 0 });
  });
});

describe('train.checkpoint', () => {
  it('none: keeps the best epoch\'s results but no weights, and export says so (TLAB_NO_CHECKPOINT)', async () => {
    const none = tinyExperiment(spec);
    await runSweep({ specFile: none.spec, dbFile: none.db, cacheDir: none.cacheDir, reporter: recordingReporter(), overrides: ['train.checkpoint=none'] });
    const store = openStore(none.db, { readonly: true });
    const [run] = store.runsOf(store.listExperiments()[0]!.id);
    expect(run!.checkpoint).toBeNull();
    expect(store.confusionOf(run!.id)?.epoch).toBe(store.metricsOf(run!.id)['best_epoch']);
    expect(store.predictionsOf(run!.id)).toHaveLength(12);
    store.close();
    expect(fs.existsSync(artifactsDirOf(none.db))).toBe(false);
    const error = await caughtTlabError(exportRun({ dbFile: none.db, cacheDir: none.cacheDir, settings, runId: run!.id, out: path.join(none.dir, 'x'), format: 'tfjs' }));
    expect(error.code).toBe('TLAB_NO_CHECKPOINT');
    expect(error.message).toMatch(/train\.checkpoint: none/);
  });

  it('last: keeps the last epoch, whatever the best', async () => {
    const last = tinyExperiment(spec);
    await runSweep({ specFile: last.spec, dbFile: last.db, cacheDir: last.cacheDir, reporter: recordingReporter(), overrides: ['train.checkpoint=last'] });
    const store = openStore(last.db, { readonly: true });
    for (const run of store.runsOf(store.listExperiments()[0]!.id)) expect(store.confusionOf(run.id)?.epoch).toBe(4);
    store.close();
  });
});

describe('compareEpochs', () => {
  const epoch = (n: number, valAccuracy: number): EpochRecord => ({ epoch: n, loss: 1, accuracy: 0.5, valLoss: 1, valAccuracy, seconds: n });

  it('names the first epoch and metric that differ, and the largest difference', () => {
    expect(compareEpochs([epoch(1, 0.5), epoch(2, 0.75)], [epoch(1, 0.5), epoch(2, 0.75)])).toEqual({ identical: true, firstDifference: null, maxDifference: 0 });
    expect(compareEpochs([epoch(1, 0.5), epoch(2, 0.75), epoch(3, 0.9)], [epoch(1, 0.5), epoch(2, 0.5), epoch(3, 0.95)])).toEqual({
      identical: false,
      firstDifference: { epoch: 2, metric: 'valAccuracy', original: 0.75, reproduced: 0.5 },
      maxDifference: 0.25,
    });
    expect(compareEpochs([epoch(1, Number.NaN)], [epoch(1, Number.NaN)]).identical).toBe(true);
    expect(compareEpochs([epoch(1, 0.5)], [epoch(1, 0.5), epoch(2, 0.5)]).firstDifference).toEqual({ epoch: 2, metric: 'epochs', original: 1, reproduced: 2 });
  });
});
