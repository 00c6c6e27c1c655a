import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { ResultsReader } from '@tlab/core';
import { createApp } from './create-app.ts';
import { listenFailure } from './server-errors.ts';

export interface ServerOptions {
  /** 127.0.0.1 unless set: results are nobody else's business by default. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the UI over `reader` and resolves once it listens; a taken port rejects with TLAB_PORT_IN_USE. */
export function startServer(reader: ResultsReader, { host = '127.0.0.1', port = 4600 }: ServerOptions = {}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: createApp(reader).fetch, hostname: host, port });
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, host, port)));
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shownHost}:${address.port}`,
        close: () =>
          new Promise((done, fail) => {
            server.close((error) => (error === undefined ? done() : fail(error)));
            // Keep-alive connections (a browser's) would hold close() open indefinitely.
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
  });
}
