// Both entry points run tlab's TypeScript sources through tsx, so that `npx tlab` needs no build step.

/**
 * Registers tsx for the modules imported after it. tsx turns Node's source maps on for every
 * module, so that stacks point at TypeScript lines; Node then reads and parses each module's map as
 * the module loads, 17 MB of them for tfjs and ONNX Runtime alone, which cost every tlab process
 * 0.3 s and 35–40 MB at start (a forked sweep worker's imports: 1.3 s and 200 MB with them, 1.0 s
 * and 162 MB without, measured). Stacks are printed only on request, so maps are kept for then.
 */
export async function registerTypeScript({ stacks }) {
  const { register } = await import('tsx/esm/api');
  register();
  process.setSourceMapsEnabled(stacks);
}
