import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileCutoff } from '../../test/sample-results.ts';

let h: AppHarness;
beforeAll(() => {
  h = createHarness();
});
afterAll(() => h.close());

function option(body: string): { parallelAxis: Array<{ name: string; type: string }>; series: Array<{ type: string; data: unknown[][] }>; visualMap: { dimension: number } } {
  return JSON.parse(/id="parallel-chart-option">(.*?)<\/script>/s.exec(body)![1]!) as never;
}

describe('parallel coordinates page (/experiments/:id/parallel)', () => {
  it('embeds an echarts parallel chart from the swept values to the metric, coloured by the metric', async () => {
    const { status, body } = await h.get(`/experiments/${h.sample.experimentId}/parallel`);
    expect(status).toBe(200);
    expect(body).toContain('data-renderer="canvas"');
    const chart = option(body);
    expect(chart.parallelAxis.map((a) => [a.name, a.type])).toEqual([
      ['backbone.cutoff', 'category'],
      ['head.dropout', 'category'],
      ['best_val_accuracy', 'value'],
    ]);
    expect(chart.series[0]).toMatchObject({ type: 'parallel' });
    expect(chart.series[0]!.data).toHaveLength(9);
    expect(chart.visualMap.dimension).toBe(2);
  });

  it('writes hostile values into its JSON so that they cannot end the script element', async () => {
    const { body } = await h.get(`/experiments/${h.sample.hostileExperimentId}/parallel`);
    expect(body).toContain('\\u003cimg src=x onerror=alert(2)>');
    expect(body).not.toContain(hostileCutoff);
    expect(option(body).parallelAxis[0]).toMatchObject({ data: expect.arrayContaining([hostileCutoff]) });
  });
});
