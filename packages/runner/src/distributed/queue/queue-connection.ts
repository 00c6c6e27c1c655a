import { TlabError } from '@tlab/core';
import type { ConnectionOptions } from 'bullmq';

export class QueueUrlError extends TlabError {
  constructor(url: string, reason: string) {
    super('TLAB_QUEUE_URL', `--queue ${url}: ${reason}; expected redis://host:port or redis://host:port/db (db a number from 0 to 15)`);
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
