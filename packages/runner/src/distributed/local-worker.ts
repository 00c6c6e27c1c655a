import { on } from 'node:events';
import { exitOnUncaught, openStore, wantsStack, type Store } from '@tlab/core';
import { loadBackbone, RunInterruptedError, selectBackend, type EngineInfo } from '@tlab/trainer';
import { trapInterrupts } from '../cli/interrupt-signals.ts';
import { armProcessFaults } from '../settings/run-settings.ts';
import { FrozenPartKeeper } from '../sweep/frozen-part-keeper.ts';
import { trainingOptions } from '../sweep/run-sweep.ts';
import { trainPending } from '../sweep/train-pending.ts';
import { fatalMessage, forwardingReporter, unpackVariants, type FromWorker, type ToWorker, type WorkerInit } from './worker-messages.ts';

/**
 * A worker process of `tlab sweep --workers N`: loads its engines and the backbone the sweep names
 * while the sweep prepares, then trains the jobs the sweep sends, writing runs to the DB itself.
 * Ctrl-C or SIGTERM (from the sweep, or sent to the whole process group by systemd or Kubernetes),
 * or the sweep going away, marks the current run interrupted, as a single sweep does. Exit code 0
 * after `stop`, 130 (SIGINT) or 143 (SIGTERM) when interrupted, 1 after a fatal error it reported.
 */
export async function runLocalWorker(): Promise<number> {
  // TLAB_DEBUG is inherited from the sweep; its --verbose is not passed on.
  exitOnUncaught((text) => process.stderr.write(text), wantsStack([]));
  const controller = trapInterrupts();
  // The sweep is gone (killed): nothing would hand out jobs or read results, so stop as on Ctrl-C.
  process.once('disconnect', () => controller.abort());
  const send = (message: FromWorker) => process.send?.(message);
  const reporter = forwardingReporter(send);
  let ready: { init: WorkerInit; engine: EngineInfo; store: Store } | undefined;
  // Its jobs are single variants, mostly of one group: the frozen part stays open between them.
  const frozenParts = new FrozenPartKeeper();
  try {
    armProcessFaults();
    for await (const [message] of on(process, 'message', { signal: controller.signal }) as AsyncIterable<[ToWorker]>) {
      if (message.type === 'stop') return 0;
      if (message.type === 'init') {
        const { init } = message;
        const engine = await selectBackend({ requested: init.settings.backend, warn: (m) => reporter.warn(m) });
        ready = { init, engine, store: openStore(init.dbFile) };
        send({ type: 'ready' });
        continue;
      }
      if (message.type === 'warm') {
        // What a cold process builds once (the architecture graph, the weights' hash, tfjs's kernels),
        // built while the sweep still checks this backbone: the first job's frozen part of InceptionV3
        // at 150×150 then loaded in 0.46 s instead of 2.8 s (measured). A failure here is the sweep's
        // to report: its own check of the same backbone fails alike, and a job loads it again.
        await loadBackbone(message.backbone, message.imageSize).then((built) => built.dispose(), () => undefined);
        continue;
      }
      if (ready === undefined) throw new Error('a job came before init');
      const { init, engine, store } = ready;
      const options = trainingOptions(init, message.metric, engine, init.settings, reporter, controller.signal, init.onnxThreads);
      const outcome = await trainPending(store, unpackVariants(message.job), 0, { ...options, cutoffs: message.cutoffs, frozenParts });
      send({ type: 'done', jobId: message.jobId, outcome });
    }
    return 0;
  } catch (error) {
    if (error instanceof RunInterruptedError || controller.signal.aborted) return controller.exitCode();
    send(fatalMessage(error));
    return 1;
  } finally {
    await frozenParts.close();
    ready?.store.close();
    controller.release();
    process.disconnect?.();
  }
}
