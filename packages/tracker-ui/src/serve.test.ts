import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSampleResults, type SampleResults } from '../test/sample-results.ts';

const serveScript = path.join(import.meta.dirname, 'serve.ts');

function serve(args: string[]): { child: ReturnType<typeof spawn>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', serveScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

let sample: SampleResults;
beforeAll(() => {
  sample = createSampleResults();
});
afterAll(() => sample.cleanup());

describe('serve (nx run tracker-ui:serve)', () => {
  it('serves --db on --port at 127.0.0.1 and stops cleanly on SIGINT', async () => {
    const { child, output } = serve(['--db', sample.file, '--port', '0']);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output()}`)), 30_000);
        child.stdout!.on('data', () => {
          const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
          if (match) {
            clearTimeout(timer);
            resolve(match[1]!);
          }
        });
      });
      expect(output()).toContain(`reading ${sample.file}, read-only`);
      expect((await fetch(`${url}/`)).status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it.each([
    [['--db', '/nonexistent/tlab.db'], 1, 'TLAB_DB_NOT_FOUND'],
    [['--port', 'http'], 2, '--port: expected a port number'],
    [['--bogus'], 2, "Unknown option '--bogus'"],
  ])('refuses %j with exit code %i', async (args, code, message) => {
    const { child, output } = serve(args);
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(code);
    expect(output()).toContain(message);
  });
});
