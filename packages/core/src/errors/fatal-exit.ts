/**
 * What must still happen when a process ends on a failure it did not await (an uncaught exception,
 * a second Ctrl-C): each open results DB marks the runs it was training `interrupted`, so none is
 * left `running` under a lease whose owner is gone. Cleanups are synchronous (better-sqlite3 is),
 * because nothing asynchronous runs after `process.exit`.
 */
const cleanups = new Set<() => void>();

/** Registers `cleanup` for a fatal exit; the function returned unregisters it. */
export function atFatalExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs every registered cleanup once, each on its own: one that throws does not stop the others. */
export function runFatalExitCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // The process is ending on another failure already, which is the one to report.
    }
  }
}
