#!/usr/bin/env node
// The workspace ships TypeScript sources; tsx compiles them on the fly so `npx tlab` needs no build step.
let main;
try {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
} catch (error) {
  // A module failed to load: a broken or partial install. Said here in one coded paragraph without
  // tlab's own modules (they may be what is missing); the stack only with --verbose or TLAB_DEBUG=1.
  const what = String(error instanceof Error ? error.message : error).split('\n')[0];
  process.stderr.write(`error: tlab cannot load its modules (${what}); run npm install again where tlab is installed [TLAB_INSTALL_BROKEN]\n`);
  if (process.argv.includes('--verbose') || process.env.TLAB_DEBUG === '1') process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
