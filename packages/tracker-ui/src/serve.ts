import { parseArgs } from 'node:util';
import { isTlabError, openResultsReader } from '@tlab/core';
import { startServer } from './start-server.ts';

const usage = 'usage: nx run tracker-ui:serve [--db .tlab/tlab.db] [--port 4600] [--host 127.0.0.1]';

async function main(): Promise<number> {
  let values: { db: string; port: string; host: string };
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: 'string', default: '.tlab/tlab.db' },
        port: { type: 'string', default: '4600' },
        host: { type: 'string', default: '127.0.0.1' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const port = /^[0-9]{1,5}$/.test(values.port) ? Number(values.port) : Number.NaN;
  if (!(port <= 65535)) {
    console.error(`--port: expected a port number from 0 to 65535, got "${values.port}"\n${usage}`);
    return 2;
  }
  let reader;
  try {
    reader = openResultsReader(values.db);
  } catch (error) {
    if (!isTlabError(error)) throw error;
    console.error(`${error.code}: ${error.message}`);
    return 1;
  }
  const server = await startServer(reader, { host: values.host, port });
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

process.exitCode = await main();
