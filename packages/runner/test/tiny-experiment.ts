import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { SweepReporter } from '../src/sweep/sweep-reporter.ts';

/**
 * A throwaway workspace with a two-class image folder (dark vs bright squares) and a spec on the
 * in-code tiny_cnn backbone: a real sweep end to end in seconds, with no shared data needed.
 */
export async function tinyExperiment(specBody: string): Promise<{ dir: string; spec: string; db: string; cacheDir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-runner-'));
  for (const split of ['train', 'validation']) {
    for (const [label, level] of [['dark', 40], ['bright', 210]] as const) {
      const folder = path.join(dir, 'images', split, label);
      mkdirSync(folder, { recursive: true });
      for (let i = 0; i < 6; i++) {
        const pixels = Buffer.alloc(16 * 16 * 3, level + i * 5);
        await sharp(pixels, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(path.join(folder, `${i}.png`));
      }
    }
  }
  const spec = path.join(dir, 'tiny.yaml');
  writeFileSync(spec, specBody);
  return { dir, spec, db: path.join(dir, 'tlab.db'), cacheDir: path.join(dir, 'cache') };
}

export const tinySpec = `
name: tiny
seed: 3
data: { train: images/train, validation: images/validation, image_size: 16 }
backbone: { name: tiny_cnn, cutoff: block2 }
head: { pooling: avg, units: 8, dropout: 0.1 }
train: { optimizer: adam, learning_rate: 0.01, batch_size: 4, epochs: 2 }
augment: none
sweep:
  method: grid
  parameters:
    head.dropout: { values: [0.0, 0.5] }
`;

export interface RecordedEvents {
  readonly started: string[];
  readonly failed: string[];
  readonly planned: Array<{ id: string; status: string }>;
  readonly warnings: string[];
}

export function recordingReporter(onEpoch?: () => void): SweepReporter & { events: RecordedEvents } {
  const events: RecordedEvents = { started: [], failed: [], planned: [], warnings: [] };
  return {
    events,
    planned: (_, rows) => events.planned.push(...rows.map((r) => ({ id: r.id, status: r.status }))),
    engine: () => undefined,
    runStarted: (run) => events.started.push(run.id),
    progress: () => undefined,
    epochEnded: () => onEpoch?.(),
    runFinished: () => undefined,
    runFailed: (id, message) => events.failed.push(`${id}: ${message}`),
    warn: (message) => events.warnings.push(message),
    finished: () => undefined,
  };
}
