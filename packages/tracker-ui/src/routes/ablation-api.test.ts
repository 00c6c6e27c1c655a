import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ablation } from '../models/ablation.ts';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';

let h: AppHarness;
let base: string;
beforeAll(() => {
  h = createHarness();
  base = `/api/experiments/${h.sample.experimentId}/ablation`;
});
afterAll(() => h.close());

describe('GET /api/experiments/:id/ablation', () => {
  it('gives the metric per level of each factor, pooled over the others and over seeds, with Δ against the base', async () => {
    const response = await h.get(base);
    expect(response.status).toBe(200);
    const { factors, metric } = response.json<Ablation>();
    expect(metric.key).toBe('best_val_accuracy');
    expect(factors.map((f) => f.key)).toEqual(['backbone.cutoff', 'head.dropout']);
    const [cutoff, dropout] = factors;
    expect(cutoff).toMatchObject({ base: { value: 'block2' }, baseSwept: true, binned: false, bestLevel: 'block2' });
    expect(cutoff!.levels.map((l) => [l.label, l.n, l.runs, l.failed, l.isBase])).toEqual([
      ['block1', 6, 6, 0, false],
      ['block2', 3, 6, 1, true],
    ]);
    expect(cutoff!.levels[0]!.mean).toBeCloseTo(0.69);
    expect(cutoff!.levels[1]!.mean).toBeCloseTo(0.81);
    expect(cutoff!.levels[0]!.delta).toBeCloseTo(-0.12);
    expect(cutoff!.levels[1]!.delta).toBe(0);
    expect(cutoff!.spread).toBeCloseTo(0.12);
    expect(dropout!.levels.map((l) => [l.value, l.n, l.isBase])).toEqual([
      [0, 4, false],
      [0.2, 3, true],
      [0.5, 2, false],
    ]);
    expect(dropout!.levels.map((l) => l.delta)).toEqual([expect.closeTo(0.74 - 2.33 / 3), 0, expect.closeTo(0.64 - 2.33 / 3)]);
    expect(dropout!.levels[0]!.std).toBeCloseTo(Math.sqrt(((0.04 ** 2 + 0.06 ** 2 + 0.06 ** 2 + 0.04 ** 2) / 3)));
  });

  it('crosses two factors into a grid, the first two by default', async () => {
    const { grid } = (await h.get(base)).json<Ablation>();
    expect(grid).toMatchObject({ x: 'backbone.cutoff', y: 'head.dropout', xLevels: ['block1', 'block2'], yLevels: ['0', '0.2', '0.5'] });
    const cell = (x: string, y: string) => grid!.cells.find((c) => c.x === x && c.y === y);
    expect(cell('block1', '0')).toMatchObject({ n: 2, runs: 2, mean: expect.closeTo(0.69) });
    expect(cell('block2', '0.2')).toMatchObject({ n: 1, runs: 2, failed: 1, mean: 0.85, std: null });
    expect(cell('block2', '0.5')).toMatchObject({ n: 0, runs: 2, mean: null });
  });

  it('crosses the factors it is asked for', async () => {
    const { grid } = (await h.get(`${base}?x=head.dropout&y=backbone.cutoff`)).json<Ablation>();
    expect(grid).toMatchObject({ x: 'head.dropout', y: 'backbone.cutoff' });
  });

  it.each([
    ['x=seed', 'x: "seed" is not a swept factor'],
    ['y=nope', 'y: "nope" is not a swept factor'],
    ['x=head.dropout&y=head.dropout', 'x and y: expected two different factors'],
  ])('answers %s with 400', async (query, message) => {
    const response = await h.get(`${base}?${query}`);
    expect(response.status).toBe(400);
    expect(response.json<{ error: { message: string } }>().error.message).toContain(message);
  });

  it('has no grid for a single factor, and 404 for an unknown experiment', async () => {
    expect((await h.get(`/api/experiments/${h.sample.hostileExperimentId}/ablation`)).json<Ablation>().grid).toBeNull();
    expect((await h.get('/api/experiments/77/ablation')).status).toBe(404);
  });
});
