/**
 * `npm run bench -- <name>` runs bench/<name>.ts. Benchmarks compare inside one run and print
 * ratios (these machines are noisy), and end with one line `BENCH <name> key=value ...`.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const benchDir = import.meta.dirname;
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3));
const [name, ...rest] = process.argv.slice(2);
if (!name || !existsSync(path.join(benchDir, `${name}.ts`)) || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ') || '(none yet)'}`);
  process.exit(2);
}
process.argv = [process.argv[0]!, path.join(benchDir, `${name}.ts`), ...rest];
await import(pathToFileURL(path.join(benchDir, `${name}.ts`)).href);
