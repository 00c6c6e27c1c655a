/**
 * The ablation statistics over 10,000 runs (500 settings × 20 seeds): the effects API (each level
 * of each factor against the base, paired over seeds, with t intervals and Holm-adjusted p-values)
 * and the ablation API (level means, seed noise), each timed cold (first request on a fresh
 * reader) and warm over repeated requests.
 *
 *   npm run bench -- ui-statistics [--requests 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openResultsReader } from '@tlab/core';
import { createApp } from '@tlab/tracker-ui';
import { writeLargeResultsDb } from './ui-support/large-results-db.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '30' } } });
const requestCount = Number(values.requests);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlab-bench-stats-'));
  const file = path.join(dir, 'tlab.db');
  try {
    const { runs } = writeLargeResultsDb(file);
    const results: Record<string, string> = {};
    for (const [name, url] of [
      ['effects', '/api/experiments/1/effects'],
      ['ablation', '/api/experiments/1/ablation'],
    ] as const) {
      const reader = openResultsReader(file);
      try {
        const app = createApp(reader);
        const timed = async (): Promise<number> => {
          const start = performance.now();
          const response = await app.request(url);
          await response.arrayBuffer();
          if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
          return performance.now() - start;
        };
        const cold = await timed();
        const warm: number[] = [];
        for (let i = 0; i < requestCount; i++) warm.push(await timed());
        warm.sort((a, b) => a - b);
        console.log(`${name} API over ${runs} runs: cold ${cold.toFixed(1)} ms, warm p50 ${percentile(warm, 50).toFixed(1)} ms, p95 ${percentile(warm, 95).toFixed(1)} ms (target < 200 ms)`);
        results[`${name}_cold_ms`] = cold.toFixed(1);
        results[`${name}_p95_ms`] = percentile(warm, 95).toFixed(1);
      } finally {
        reader.close();
      }
    }
    console.log(`BENCH ui-statistics runs=${runs} ${Object.entries(results).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
