#!/usr/bin/env node
// Failures show their stack with --verbose or TLAB_DEBUG=1: core's wantsStack, said here before tlab's modules load.
const stacks = process.argv.includes('--verbose') || process.env.TLAB_DEBUG === '1';
let main;
try {
  const { registerTypeScript } = await import('./register-typescript.js');
  await registerTypeScript({ stacks });
  ({ main } = await import('../src/cli/main.ts'));
} catch (error) {
  // A module failed to load: a broken or partial install. Said here in one coded paragraph without
  // tlab's own modules (they may be what is missing); the stack only with --verbose or TLAB_DEBUG=1.
  const what = String(error instanceof Error ? error.message : error).split('\n')[0];
  process.stderr.write(`error: tlab cannot load its modules (${what}); run npm install again where tlab is installed [TLAB_INSTALL_BROKEN]\n`);
  if (stacks) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
