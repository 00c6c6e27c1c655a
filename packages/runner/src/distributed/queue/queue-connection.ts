import { TlabError } from '@tlab/core';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export class QueueUrlError extends TlabError {
  constructor(url: string, reason: string) {
    super('TLAB_QUEUE_URL', `--queue ${url}: ${reason}; expected redis://host:port or redis://host:port/db (db a number from 0 to 15)`);
  }
}

export class QueueUnreachableError extends TlabError {
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super('TLAB_QUEUE_UNREACHABLE', `--queue ${url}: no Redis answered (${reason}); start redis-server there, or point --queue at one that runs`, options);
  }
}

/**
 * How long a coordinator or worker waits for Redis's first answer. BullMQ itself retries for good
 * (right once running: Redis may restart), so a closed port or a server that is not Redis once
 * left `tlab sweep --queue` silent, and deaf to the first SIGTERM, until killed.
 */
const firstAnswerMs = 5000;

/** One PING before any work, without retries: a coded error when nothing answers as Redis does. */
export async function checkQueueReachable(url: string): Promise<void> {
  const client = new Redis({
    ...(queueConnection(url) as RedisOptions),
    lazyConnect: true,
    connectTimeout: firstAnswerMs,
    commandTimeout: firstAnswerMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // The PING is the check: ioredis's INFO ready check and CLIENT SETINFO would each add a wait on a silent server (measured 10 s, not 5).
    enableReadyCheck: false,
    disableClientInfo: true,
  });
  // The socket's own error (ECONNREFUSED) says more than the rejection below ("Connection is closed.").
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError = error));
  try {
    await client.connect();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new QueueUnreachableError(url, `PING got ${JSON.stringify(reply).slice(0, 40)}`);
  } catch (error) {
    if (error instanceof QueueUnreachableError) throw error;
    const seen = socketError ?? error;
    const reason = (seen as NodeJS.ErrnoException).code ?? (seen instanceof Error ? seen.message : String(seen)).replace(/ Please report this\.$/, '');
    throw new QueueUnreachableError(url, reason, { cause: error });
  } finally {
    client.disconnect();
  }
}

/** The BullMQ queue every coordinator and worker of one Redis database shares; jobs name their experiment. */
export const queueName = 'tlab-sweep';

/**
 * `redis://host:port[/db]` as BullMQ's connection options. maxRetriesPerRequest null: a worker
 * blocks on Redis for jobs and must wait out a Redis restart rather than fail its commands.
 */
export function queueConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(url, 'not a URL');
  }
  if (parsed.protocol !== 'redis:') throw new QueueUrlError(url, `the scheme is ${parsed.protocol.replace(/:$/, '')}`);
  if (parsed.hostname === '') throw new QueueUrlError(url, 'no host');
  const dbText = parsed.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new QueueUrlError(url, `"${dbText}" is not a database number`);
  const port = parsed.port === '' ? 6379 : Number(parsed.port);
  return {
    host: parsed.hostname,
    port,
    db,
    ...(parsed.password === '' ? {} : { password: decodeURIComponent(parsed.password) }),
    maxRetriesPerRequest: null,
  };
}
