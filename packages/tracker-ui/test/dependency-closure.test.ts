import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const packageRoot = path.resolve(import.meta.dirname, '..');
const trainingStack = /^(@tensorflow\/|onnxruntime-node$|sharp$|nsfwjs$|h5wasm$|@tlab\/trainer$|@tlab\/runner$)/;

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;

/** Every package the UI installs, transitively, as Node resolves them from each dependent's folder. */
function installedClosure(dir: string, seen = new Map<string, string>()): Map<string, string> {
  const own = manifest(dir);
  const require = createRequire(path.join(dir, 'package.json'));
  for (const name of Object.keys({ ...own.dependencies, ...own.optionalDependencies })) {
    if (seen.has(name)) continue;
    let found: string;
    try {
      found = path.dirname(require.resolve(`${name}/package.json`));
    } catch {
      // Packages whose exports map hides package.json: their entry's folder upwards.
      let entry = path.dirname(require.resolve(name));
      while (!existsSync(path.join(entry, 'package.json'))) entry = path.dirname(entry);
      found = entry;
    }
    seen.set(name, found);
    installedClosure(found, seen);
  }
  return seen;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('the tracker UI installs and imports no training code', () => {
  it('has none of tfjs, onnxruntime-node, sharp, nsfwjs, h5wasm or the trainer in its installed dependency closure', () => {
    const closure = [...installedClosure(packageRoot).keys()];
    expect(closure).toContain('@tlab/core');
    expect(closure).toContain('hono');
    expect(closure.filter((name) => trainingStack.test(name))).toEqual([]);
  });

  it('imports only packages its package.json lists (a hoisted @tlab/trainer would resolve, and must not be used)', () => {
    const own = manifest(packageRoot);
    const allowed = new Set([...Object.keys({ ...own.dependencies, ...(own as { devDependencies?: object }).devDependencies }), 'vitest']);
    const imported = sourceFiles(packageRoot)
      .filter((file) => !file.includes(`${path.sep}node_modules${path.sep}`))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*? from '([^'.][^']*)';/gms)].map((match) => match[1]!))
      .filter((specifier) => !specifier.startsWith('node:'))
      .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!));
    expect([...new Set(imported)].filter((name) => !allowed.has(name))).toEqual([]);
  });
});
