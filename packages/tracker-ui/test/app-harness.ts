import type { Hono } from 'hono';
import type { ResultsReader } from '@tlab/core';
import { createApp } from '../src/create-app.ts';
import { createSampleResults, type SampleResults } from './sample-results.ts';

export interface Fetched {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  readonly headers: Headers;
  json<T = unknown>(): T;
}

/** The app over a fresh sample DB, read through `app.request()` (no socket). */
export interface AppHarness {
  readonly sample: SampleResults;
  readonly reader: ResultsReader;
  readonly app: Hono;
  get(path: string): Promise<Fetched>;
  close(): void;
}

export function createHarness(): AppHarness {
  const sample = createSampleResults();
  const reader = sample.openReader();
  const app = createApp(reader);
  return {
    sample,
    reader,
    app,
    async get(path) {
      const response = await app.request(path);
      const body = await response.text();
      return {
        status: response.status,
        type: response.headers.get('content-type') ?? '',
        body,
        headers: response.headers,
        json: <T>() => JSON.parse(body) as T,
      };
    },
    close() {
      reader.close();
      sample.cleanup();
    },
  };
}
