import { parseArgs } from 'node:util';
import { exitOnUncaught, failureReport, openResultsReader, TlabError, wantsStack, type ResultsReader } from '@tlab/core';
import { startServer } from './start-server.ts';

const usage = 'usage: nx run tracker-ui:serve [--db .tlab/tlab.db] [--port 4600] [--host 127.0.0.1] [--verbose]';

/**
 * Exit codes: 2 for a usage mistake, 1 for any failure to start (one coded paragraph, its stack only
 * with --verbose or TLAB_DEBUG=1), 0 once stopped by Ctrl-C or SIGTERM.
 */
async function main(): Promise<number> {
  const verbose = wantsStack(process.argv);
  exitOnUncaught((text) => process.stderr.write(text), verbose);
  let values: { db: string; port: string; host: string };
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: 'string', default: '.tlab/tlab.db' },
        port: { type: 'string', default: '4600' },
        host: { type: 'string', default: '127.0.0.1' },
        verbose: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return refuseUsage((error as Error).message);
  }
  const port = /^[0-9]{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port <= 65535)) return refuseUsage(`--port: expected a port number from 0 to 65535, got "${values.port}"`);
  let reader: ResultsReader | undefined;
  let server;
  try {
    // A DB in a folder it cannot write is read as it is, without a -shm beside it (see openResultsReader).
    reader = openResultsReader(values.db);
    server = await startServer(reader, { host: values.host, port });
  } catch (error) {
    reader?.close();
    process.stderr.write(`${failureReport(error, { verbose })}\n`);
    return 1;
  }
  console.log(`Transfer Lab tracker on ${server.url} (reading ${values.db}, read-only)`);
  const stop = (): void => {
    void server.close().finally(() => {
      reader.close();
      process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

/** A usage mistake: one coded line, as tlab's own, and exit code 2. */
function refuseUsage(message: string): number {
  process.stderr.write(`${failureReport(new TlabError('TLAB_USAGE', `${message}; ${usage}`), { verbose: false })}\n`);
  return 2;
}

process.exitCode = await main();
