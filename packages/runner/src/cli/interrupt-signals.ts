import { runFatalExitCleanups } from '@tlab/core';

/**
 * The signals that stop training cleanly: Ctrl-C, and SIGTERM, which `docker stop`, systemd and
 * Kubernetes send. Each exits with 128 + its number, as shells report a process it stopped.
 */
const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
type InterruptSignal = keyof typeof exitCodes;

export interface InterruptTrap {
  /** Aborted by the first SIGINT or SIGTERM (or by abort()): the current run is marked interrupted after its batch. */
  readonly signal: AbortSignal;
  abort(): void;
  /** The exit code of the signal that stopped the process: 143 after SIGTERM, else 130. */
  exitCode(): number;
  release(): void;
}

/**
 * Handles SIGINT and SIGTERM alike: the first aborts `signal` (after `onFirst`), so the process
 * marks its run interrupted, commits and exits; a second one exits at once, its runs marked
 * interrupted by the fatal-exit cleanups.
 */
export function trapInterrupts(onFirst: (signal: InterruptSignal) => void = () => undefined): InterruptTrap {
  const controller = new AbortController();
  let received: InterruptSignal = 'SIGINT';
  const handlers = (Object.keys(exitCodes) as InterruptSignal[]).map((name) => {
    const handler = (): void => {
      if (controller.signal.aborted) {
        // Quitting at once still leaves no run marked running.
        runFatalExitCleanups();
        process.exit(exitCodes[name]);
      }
      received = name;
      onFirst(name);
      controller.abort();
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    signal: controller.signal,
    abort: () => controller.abort(),
    exitCode: () => exitCodes[received],
    release: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
  };
}
