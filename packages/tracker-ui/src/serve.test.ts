import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { createServer } from 'node:net';
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

function urlOf({ child, output }: ReturnType<typeof serve>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed: ${output()}`)), 30_000);
    child.stdout!.on('data', () => {
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}

describe('serve (nx run tracker-ui:serve)', () => {
  it('serves --db on --port at 127.0.0.1 and stops cleanly on SIGINT', async () => {
    const served = serve(['--db', sample.file, '--port', '0']);
    const { child, output } = served;
    try {
      const url = await urlOf(served);
      expect(output()).toContain(`reading ${sample.file}, read-only`);
      expect((await fetch(`${url}/`)).status).toBe(200);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('serves a DB in a folder it cannot write as it is, adding no -shm or -wal there, and stops on SIGTERM', async () => {
    const fresh = createSampleResults();
    fresh.writer.close();
    const locked = path.join(path.dirname(fresh.file), 'locked');
    fs.mkdirSync(locked);
    const file = path.join(locked, 'tlab.db');
    fs.copyFileSync(fresh.file, file);
    // No write bits: read-only for every user, root included (as the store treats such folders).
    fs.chmodSync(locked, 0o555);
    const served = serve(['--db', file, '--port', '0']);
    try {
      const url = await urlOf(served);
      expect((await fetch(`${url}/`)).status).toBe(200);
      expect((await fetch(`${url}/experiments/${fresh.experimentId}`)).status).toBe(200);
      expect(fs.readdirSync(locked)).toEqual(['tlab.db']);
      const exited = once(served.child, 'exit');
      served.child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
    } finally {
      if (served.child.exitCode === null) served.child.kill('SIGKILL');
      fs.chmodSync(locked, 0o755);
      fresh.cleanup();
    }
  });

  it('refuses a --port another program listens on with TLAB_PORT_IN_USE naming it, and no stack', async () => {
    const other = createServer();
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const { port } = other.address() as { port: number };
    try {
      const { child, output } = serve(['--db', sample.file, '--port', String(port)]);
      const [exitCode] = await once(child, 'exit');
      expect(exitCode).toBe(1);
      expect(output()).toMatch(new RegExp(`^error: --port ${port}: another program already listens on 127\\.0\\.0\\.1:${port}; .* \\[TLAB_PORT_IN_USE\\]\n$`));
    } finally {
      other.close();
    }
  });

  it.each([
    [['--db', '/nonexistent/tlab.db'], 1, 'TLAB_DB_NOT_FOUND'],
    [['--port', 'http'], 2, 'error: --port: expected a port number from 0 to 65535, got "http"; usage: nx run tracker-ui:serve'],
    [['--bogus'], 2, "error: Unknown option '--bogus'"],
  ])('refuses %j with exit code %i', async (args, code, message) => {
    const { child, output } = serve(args);
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(code);
    expect(output()).toContain(message);
    // Every refusal, usage mistakes included, carries its code (they once had none).
    expect(output()).toMatch(/ \[TLAB_[A-Z_]+\]\n$/);
  });
});
