import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { recordingReporter, tinyExperiment, tinySpec, tinySweep } from '../../test/tiny-experiment.ts';
import { runSweep } from './run-sweep.ts';

describe('runSweep (tiny_cnn on generated images)', () => {
  it('trains every variant for real, stores finite curves, and a second sweep trains nothing', async () => {
    const ex = tinyExperiment(tinySpec);
    const first = recordingReporter();
    const outcome = await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: first });
    expect(outcome).toEqual({ trained: 2, skipped: 0, failed: 0 });

    const store = openStore(ex.db, { readonly: true });
    const [experiment] = store.listExperiments();
    const runs = store.runsOf(experiment!.id);
    expect(runs.map((r) => r.status)).toEqual(['done', 'done']);
    expect(new Set(runs.map((r) => r.id)).size).toBe(2);
    expect(runs.map((r) => r.params)).toEqual([{ 'head.dropout': 0 }, { 'head.dropout': 0.5 }]);
    for (const run of runs) {
      const epochs = store.epochsOf(run.id);
      expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
      for (const e of epochs) expect([e.loss, e.accuracy, e.valLoss, e.valAccuracy].every(Number.isFinite)).toBe(true);
      expect(run.environment?.backend).toMatch(/^(tensorflow|wasm|cpu)$/);
      expect(run.environment?.versions['tfjs-core']).toBeDefined();
      expect(run.environment?.weightsSource).toBe('embedded (seeded)');
      expect(store.confusionOf(run.id)?.classes).toEqual(['bright', 'dark']);
    }
    store.close();

    const second = recordingReporter();
    expect(await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: second })).toEqual({ trained: 0, skipped: 2, failed: 0 });
    expect(second.events.started).toEqual([]);
  });

  it("stores each run's best epoch by the spec's metric: the lowest validation loss for val_loss/minimize", async () => {
    const ex = tinyExperiment(tinySpecText({ metric: { name: 'val_loss', goal: 'minimize' }, train: { epochs: 5 }, sweep: tinySweep }));
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
    const store = openStore(ex.db, { readonly: true });
    for (const run of store.runsOf(store.listExperiments()[0]!.id)) {
      const epochs = store.epochsOf(run.id);
      const lowest = Math.min(...epochs.map((e) => e.valLoss));
      expect(store.metricsOf(run.id)['best_epoch']).toBe(epochs.find((e) => e.valLoss === lowest)!.epoch);
      expect(store.metricsOf(run.id)['best_val_loss']).toBe(lowest);
    }
    store.close();
  });

  it('reruns a run left running by a crash, and only that one', async () => {
    const ex = tinyExperiment(tinySpec);
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
    const db = new Database(ex.db);
    const crashed = db.prepare(`SELECT id FROM runs ORDER BY variant_index LIMIT 1`).pluck().get() as string;
    db.prepare(`UPDATE runs SET status = 'running' WHERE id = ?`).run(crashed);
    db.close();

    const reporter = recordingReporter();
    expect(await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter })).toEqual({ trained: 1, skipped: 1, failed: 0 });
    expect(reporter.events.started).toEqual([crashed]);
    const store = openStore(ex.db, { readonly: true });
    expect(store.getRun(crashed)).toMatchObject({ status: 'done', attempts: 2 });
    expect(store.epochsOf(crashed).map((e) => e.epoch)).toEqual([1, 2]);
    store.close();
  });

  it('marks the current run interrupted on abort and restarts it cleanly on the next sweep', async () => {
    const ex = tinyExperiment(tinySpec);
    const controller = new AbortController();
    const reporter = recordingReporter(() => controller.abort());
    await expect(
      runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'TLAB_INTERRUPTED' });
    const store = openStore(ex.db, { readonly: true });
    const [experiment] = store.listExperiments();
    expect(store.runsOf(experiment!.id).map((r) => r.status)).toEqual(['interrupted', 'queued']);
    store.close();

    const resumed = await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
    expect(resumed).toEqual({ trained: 2, skipped: 0, failed: 0 });
  });

  it('gives the same ids and the same numbers for the same spec and seed', async () => {
    const [a, b] = [tinyExperiment(tinySpec), tinyExperiment(tinySpec)];
    for (const ex of [a, b]) await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
    const curves = (file: string) => {
      const store = openStore(file, { readonly: true });
      const runs = store.runsOf(store.listExperiments()[0]!.id);
      const result = runs.map((r) => ({ id: r.id, epochs: store.epochsOf(r.id).map(({ seconds: _, ...e }) => e) }));
      store.close();
      return result;
    };
    expect(curves(b.db)).toEqual(curves(a.db));
  });

  it('dry run lists the grid with stored statuses and writes nothing', async () => {
    const ex = tinyExperiment(tinySpec);
    const reporter = recordingReporter();
    expect(await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter, dryRun: true })).toEqual({ trained: 0, skipped: 0, failed: 0 });
    expect(reporter.events.planned.map((r) => r.status)).toEqual(['new', 'new']);
    expect(existsSync(ex.db)).toBe(false);

    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter(), only: [reporter.events.planned[0]!.id] });
    const before = readFileSync(ex.db);
    const again = recordingReporter();
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: again, dryRun: true });
    expect(again.events.planned.map((r) => r.status)).toEqual(['done', 'queued']);
    expect(readFileSync(ex.db).equals(before)).toBe(true);
  });

  it('--only trains just the named variant and rejects unknown ids', async () => {
    const ex = tinyExperiment(tinySpec);
    const plan = recordingReporter();
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: plan, dryRun: true });
    const second = plan.events.planned[1]!.id;
    const reporter = recordingReporter();
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter, only: [second] });
    expect(reporter.events.started).toEqual([second]);
    await expect(
      runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter, only: ['0000000000000000'] }),
    ).rejects.toMatchObject({ code: 'TLAB_UNKNOWN_VARIANT' });
  });

  it('gives a variant the same per-epoch numbers alone as inside the planned sweep (float16 cache both ways)', async () => {
    const spec = tinySpecText({
      sweep: { method: 'grid', parameters: { 'backbone.cutoff': { values: ['block2', 'block3'] }, augment: { values: ['none', 'light'] } } },
    });
    const planned = tinyExperiment(spec);
    await runSweep({ specFile: planned.spec, dbFile: planned.db, cacheDir: planned.cacheDir, reporter: recordingReporter() });
    const curves = (file: string) => {
      const store = openStore(file, { readonly: true });
      const result = new Map(store.runsOf(store.listExperiments()[0]!.id).map((r) => [r.id, store.epochsOf(r.id).map(({ seconds: _, ...e }) => e)]));
      store.close();
      return result;
    };
    const together = curves(planned.db);
    expect(together.size).toBe(4);
    for (const [id, epochs] of together) {
      const alone = tinyExperiment(spec);
      await runSweep({ specFile: alone.spec, dbFile: alone.db, cacheDir: alone.cacheDir, reporter: recordingReporter(), only: [id] });
      expect(curves(alone.db).get(id)).toEqual(epochs);
    }
  });

  it('fine-tunes the top of the backbone when trainable_from is set, sharing the frozen part below it', async () => {
    const spec = tinySpecText({
      backbone: { cutoff: 'block3' },
      sweep: { method: 'grid', parameters: { 'backbone.trainable_from': { values: ['block3', 'block2'] } } },
    });
    const ex = tinyExperiment(spec);
    expect(await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() })).toEqual({ trained: 2, skipped: 0, failed: 0 });
    const store = openStore(ex.db, { readonly: true });
    const runs = store.runsOf(store.listExperiments()[0]!.id);
    const curves = runs.map((r) => store.epochsOf(r.id));
    store.close();
    for (const epochs of curves) expect(epochs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.valAccuracy))).toBe(true);
    expect(curves[0]![0]!.loss).not.toBe(curves[1]![0]!.loss);
  });

  it('keeps every result and spec version when the spec changes, training only the new variants', async () => {
    const ex = tinyExperiment(tinySpec);
    await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter: recordingReporter() });
    const before = openStore(ex.db, { readonly: true });
    const [experiment] = before.listExperiments();
    const kept = before.runsOf(experiment!.id).map((r) => ({ run: r, epochs: before.epochsOf(r.id), metrics: before.metricsOf(r.id) }));
    before.close();

    writeFileSync(ex.spec, tinySpecText({ sweep: { method: 'grid', parameters: { 'head.dropout': { values: [0.5, 0.7] } } } }));
    const reporter = recordingReporter();
    expect(await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter })).toEqual({ trained: 1, skipped: 1, failed: 0 });

    const after = openStore(ex.db, { readonly: true });
    expect(after.specVersionsOf(experiment!.id)).toHaveLength(2);
    expect(after.runsOf(experiment!.id)).toHaveLength(3);
    for (const { run, epochs, metrics } of kept) {
      expect(after.getRun(run.id)).toEqual(run);
      expect(after.epochsOf(run.id)).toEqual(epochs);
      expect(after.metricsOf(run.id)).toEqual(metrics);
    }
    after.close();
  });
});
