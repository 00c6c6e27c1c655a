import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@tlab/core';
import { tinySpecText } from '@tlab/core/testing';
import { runSweep } from '../src/sweep/run-sweep.ts';
import { recordingReporter, tinyExperiment, tinySweep } from './tiny-experiment.ts';

describe('an image that changes while a sweep runs', () => {
  it('fails the run it breaks with TLAB_DATA_UNREADABLE naming the file, and the sweep goes on', async () => {
    // Augmented: every epoch decodes its images again, so the change is seen mid-run.
    const ex = tinyExperiment(tinySpecText({ augment: 'light', train: { epochs: 4 }, sweep: tinySweep }));
    const image = path.join(ex.dir, 'images/train/dark/1.png');
    const original = readFileSync(image);
    let epochs = 0;
    const truncated = () => epochs >= 3 && readFileSync(image).length === 0;
    const recording = recordingReporter(() => {
      epochs += 1;
      if (epochs === 3) truncateSync(image, 0);
    });
    const reporter = {
      ...recording,
      // A head step that outlasts the next batch's decoding, as a real backbone's does: the
      // prefetched batch fails while this one trains.
      progress: () => {
        const until = performance.now() + (truncated() ? 100 : 0);
        while (performance.now() < until);
      },
      runFailed: (id: string, message: string) => {
        recording.runFailed(id, message);
        // Put back, so the second variant shows that the sweep went on and trains.
        writeFileSync(image, original);
      },
    };

    const outcome = await runSweep({ specFile: ex.spec, dbFile: ex.db, cacheDir: ex.cacheDir, reporter });

    expect(outcome).toEqual({ trained: 1, skipped: 0, failed: 1 });
    const store = openStore(ex.db, { readonly: true });
    try {
      const runs = store.runsOf(store.listExperiments()[0]!.id);
      expect(runs.map((r) => r.status)).toEqual(['failed', 'done']);
      expect(runs[0]!.lease).toBeNull();
      expect(runs[0]!.error).toMatch(/data: image .*images\/train\/dark\/1\.png could not be loaded \(not a decodable image: [^)]*\); .* \[TLAB_DATA_UNREADABLE\]$/);
      expect(store.epochsOf(runs[0]!.id).map((e) => e.epoch)).toEqual([1, 2, 3]);
    } finally {
      store.close();
    }
    expect(recording.events.failed).toEqual([expect.stringMatching(/1\.png could not be loaded .*\[TLAB_DATA_UNREADABLE\]$/)]);
  });
});
