import { ArtifactError, artifactsDirOf, ArtifactStore, openStore } from '@tlab/core';

export interface ArtifactHealth {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
  readonly referenced: number;
  /** Runs whose checkpoint is gone or no longer matches its hash, with the reason. */
  readonly damaged: ReadonlyArray<{ readonly runId: string; readonly problem: string }>;
  /** Complete files no run references (a crash between writing and recording, or deleted runs). */
  readonly unreferenced: number;
}

/** Reads every referenced checkpoint back and checks its hash; changes nothing. */
export function inspectArtifacts(dbFile: string): ArtifactHealth {
  const artifacts = new ArtifactStore(artifactsDirOf(dbFile));
  const store = openStore(dbFile, { readonly: true });
  try {
    const references = store.checkpoints();
    const files = artifacts.list();
    const damaged: Array<{ runId: string; problem: string }> = [];
    for (const reference of references) {
      try {
        artifacts.read(reference, `checkpoint of run ${reference.runId}`);
      } catch (error) {
        if (!(error instanceof ArtifactError)) throw error;
        damaged.push({ runId: reference.runId, problem: error.code === 'TLAB_ARTIFACT_MISSING' ? 'missing' : 'corrupt (its sha256 does not match)' });
      }
    }
    const referenced = new Set(references.map((r) => r.sha256));
    return {
      dir: artifacts.dir,
      files: files.length,
      bytes: files.reduce((sum, file) => sum + file.bytes, 0),
      referenced: referenced.size,
      damaged,
      unreferenced: files.filter((file) => !referenced.has(file.sha256)).length,
    };
  } finally {
    store.close();
  }
}

/** A run still training may have written its checkpoint without recording it yet: its files get an hour. */
const graceWhileTrainingMs = 60 * 60 * 1000;

/** `tlab runs gc`: deletes checkpoint files no run in the DB references. */
export function collectArtifacts(dbFile: string): { removed: number; bytes: number; dir: string } {
  const artifacts = new ArtifactStore(artifactsDirOf(dbFile));
  const store = openStore(dbFile, { readonly: true });
  try {
    const referenced = new Set(store.checkpoints().map((r) => r.sha256));
    const training = store.listExperiments().some((e) => e.statusCounts.running > 0);
    return { ...artifacts.removeUnreferenced(referenced, training ? graceWhileTrainingMs : 0), dir: artifacts.dir };
  } finally {
    store.close();
  }
}
