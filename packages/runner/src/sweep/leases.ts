import os from 'node:os';
import type { Store } from '@tlab/core';
import { RunInterruptedError } from '@tlab/trainer';

/**
 * A lease owner is `host:pid:nonce`. On this host a missing pid means the owner died (kill -9,
 * power loss of the process), so its run can be taken over at once instead of after expiry.
 */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Renews the run's lease every third of its length while it trains; `onLost` fires once if another
 * process has taken the run over (this one stalled past the lease), so it stops writing.
 */
export function keepLease(store: Store, runId: string, leaseMs: number, onLost: () => void): () => void {
  const timer = setInterval(() => {
    if (!store.renewLease(runId)) {
      clearInterval(timer);
      onLost();
    }
  }, leaseMs / 3);
  timer.unref();
  return () => clearInterval(timer);
}

/** Ends the leases of dead local owners among these runs, so they can be claimed at once. */
export function releaseDeadOwners(store: Store, pending: ReadonlyArray<{ readonly id: string }>): void {
  for (const variant of pending) {
    const lease = store.getRun(variant.id)?.lease;
    if (lease && lease.owner !== store.owner && isDeadLocalOwner(lease.owner)) store.expireLeasesOf(lease.owner);
  }
}

/** Waits `ms` while another process trains or a queue works; rejects with RunInterruptedError on `signal`. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RunInterruptedError([]));
    const onAbort = () => (clearTimeout(timer), reject(new RunInterruptedError([])));
    // Removed once slept: a sweep waiting on another's leases sleeps many times on one signal, and
    // listeners left behind set off Node's MaxListenersExceededWarning.
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
