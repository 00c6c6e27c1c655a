import { BackendUnavailableError } from '../engine/engine-error.ts';

/** The tfjs backends Transfer Lab can train heads on, in the order it tries them. */
export const backendNames = ['tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

/** A backend name as the user wrote it (TLAB_BACKEND), checked by name so bad input fails before any work; empty means none. */
export function parseBackendName(requested: string | undefined): BackendName | undefined {
  if (requested === undefined || requested === '') return undefined;
  if (!(backendNames as readonly string[]).includes(requested)) throw new BackendUnavailableError(requested, 'unknown backend name');
  return requested as BackendName;
}
