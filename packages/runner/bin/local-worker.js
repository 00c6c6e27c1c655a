#!/usr/bin/env node
// A worker process of `tlab sweep --workers N`, forked by the sweep; it talks to it over IPC only.
import { registerTypeScript } from './register-typescript.js';

// Its failures show their stack with TLAB_DEBUG=1, inherited from the sweep (core's wantsStack([])).
await registerTypeScript({ stacks: process.env.TLAB_DEBUG === '1' });
const { runLocalWorker } = await import('../src/distributed/local-worker.ts');
process.exitCode = await runLocalWorker();
