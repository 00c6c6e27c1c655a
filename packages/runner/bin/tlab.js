#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx compiles them on the fly so `npx tlab` needs no build step.
import { register } from 'tsx/esm/api';

register();
let main;
try {
  ({ main } = await import('../src/cli/main.ts'));
} catch (error) {
  // A module failed to load (a broken install): the same one coded paragraph as any failure, not a stack.
  const { failureReport, wantsStack } = await import('@tlab/core');
  process.stderr.write(`${failureReport(error, { verbose: wantsStack(process.argv) })}\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
