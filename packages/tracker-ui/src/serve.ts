import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { openStore } from '@tlab/core';
import { createApp } from './create-app.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '.tlab/tlab.db' },
    port: { type: 'string', default: '4600' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const store = openStore(values.db, { readonly: true });
const server = serve({ fetch: createApp(store).fetch, port: Number(values.port), hostname: values.host }, (info) => {
  console.log(`Transfer Lab tracker on http://${values.host}:${info.port} (reading ${values.db})`);
});
process.on('SIGINT', () => {
  server.close();
  store.close();
  process.exit(0);
});
