#!/usr/bin/env node
// A worker process of `tlab sweep --workers N`, forked by the sweep; it talks to it over IPC only.
import { register } from 'tsx/esm/api';

register();
const { runLocalWorker } = await import('../src/distributed/local-worker.ts');
process.exitCode = await runLocalWorker();
