import os from 'node:os';
import path from 'node:path';
import { armFault } from '@tlab/core';
import type { WeightsSettings } from '@tlab/trainer';
import { parseBackendName, parseFrozenEngine, type BackendName, type FrozenEngine } from '@tlab/trainer/options';

/**
 * Everything a run takes from outside the spec, resolved once per process: a flag first, then the
 * environment, then the default. The library packages take these values as parameters and never
 * read the environment themselves.
 */
export interface RunSettings {
  /** TLAB_BACKEND; absent: the fastest that starts (tensorflow → wasm → cpu). */
  readonly backend: BackendName | undefined;
  /** --frozen-engine, TLAB_FROZEN_ENGINE, else onnx. */
  readonly frozenEngine: FrozenEngine;
  /** --data-root, TLAB_DATA_ROOT; absent: the spec's data.root or its folder. */
  readonly dataRoot: string | undefined;
  /** --weights-dir, TLAB_WEIGHTS_DIR, Keras's ~/.keras/models, and TLAB_OFFLINE=1 (no download). */
  readonly weights: WeightsSettings;
}

/** The flags that have an environment variable too, as the command line gave them. */
export interface SettingFlags {
  readonly frozenEngine?: string | undefined;
  readonly dataRoot?: string | undefined;
  readonly weightsDir?: string | undefined;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Validates every setting by name before any file is read, so bad input fails at once with its code. */
export function resolveRunSettings(flags: SettingFlags, env: Environment): RunSettings {
  return {
    backend: parseBackendName(env['TLAB_BACKEND']),
    frozenEngine: parseFrozenEngine(flags.frozenEngine ?? env['TLAB_FROZEN_ENGINE']),
    dataRoot: flags.dataRoot ?? env['TLAB_DATA_ROOT'],
    weights: {
      weightsDir: flags.weightsDir ?? env['TLAB_WEIGHTS_DIR'],
      kerasCacheDir: path.join(env['HOME'] ?? os.homedir(), '.keras', 'models'),
      download: env['TLAB_OFFLINE'] !== '1',
    },
  };
}

/** What a library caller (tests, benchmarks) gets without a command line: no environment, no download. */
export function defaultRunSettings(): RunSettings {
  const settings = resolveRunSettings({}, {});
  return { ...settings, weights: { ...settings.weights, download: false } };
}

/** The settings of this process: its command line's flags over its environment. The one place `tlab` reads process.env. */
export function processRunSettings(flags: SettingFlags): RunSettings {
  return resolveRunSettings(flags, process.env);
}

/** Arms the kill -9 suite's crash points (TLAB_FAULT=<point>:<n>) for this process, before anything opens the store. */
export function armProcessFaults(): void {
  armFault(process.env['TLAB_FAULT']);
}
