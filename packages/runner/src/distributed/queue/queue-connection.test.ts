import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { caughtTlabError } from '@tlab/core/testing';
import { freePort, hasRedis, startRedis } from '../../../test/redis-server.ts';
import { checkQueueReachable, queueConnection } from './queue-connection.ts';

describe('queueConnection', () => {
  it('reads host, port and db, and refuses what is not redis://host:port[/db] (TLAB_QUEUE_URL)', async () => {
    expect(queueConnection('redis://10.0.0.5:6380/3')).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3 });
    for (const url of ['http://127.0.0.1:6379', 'redis://127.0.0.1:6379/16', 'not a url']) {
      expect((await caughtTlabError(Promise.resolve().then(() => queueConnection(url)))).code).toBe('TLAB_QUEUE_URL');
    }
  });
});

describe('checkQueueReachable', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  const listen = async (onConnection: (socket: Socket) => void) => {
    server = createServer(onConnection);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `redis://127.0.0.1:${(server.address() as { port: number }).port}`;
  };

  it('names a closed port (TLAB_QUEUE_UNREACHABLE), at once', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const error = await caughtTlabError(checkQueueReachable(url));
    expect(error.message).toBe(`--queue ${url}: no Redis answered (ECONNREFUSED); start redis-server there, or point --queue at one that runs`);
  });

  it('gives up on a server that is not Redis: one that answers otherwise, one that never answers', async () => {
    const http = await listen((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect((await caughtTlabError(checkQueueReachable(http))).code).toBe('TLAB_QUEUE_UNREACHABLE');
    server!.close();
    const silent = await listen(() => {});
    const started = Date.now();
    expect((await caughtTlabError(checkQueueReachable(silent))).code).toBe('TLAB_QUEUE_UNREACHABLE');
    // Not a timing test: only that it ends, after the documented wait rather than never.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
  }, 20_000);

  it.skipIf(!hasRedis)('passes on a real redis-server (needs redis-server)', async () => {
    const redis = await startRedis();
    try {
      await expect(checkQueueReachable(redis.url)).resolves.toBeUndefined();
    } finally {
      await redis.stop();
    }
  });
});
