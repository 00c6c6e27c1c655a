import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type AppHarness } from '../../test/app-harness.ts';
import { hostileCutoff, hostileName } from '../../test/sample-results.ts';

let h: AppHarness;
let path: string;
beforeAll(() => {
  h = createHarness();
  path = `/experiments/${h.sample.experimentId}`;
});
afterAll(() => h.close());

const rowsOf = (body: string): string[] => [...body.matchAll(/<tr data-run="([^"]+)"/g)].map((m) => m[1]!);

describe('leaderboard page (/experiments/:id)', () => {
  it('renders one row per seed group, best first, with mean ± std and links to each seed', async () => {
    const { status, body } = await h.get(path);
    expect(status).toBe(200);
    expect(body).toContain('<strong>6</strong> settings');
    const [first, second] = rowsOf(body);
    expect(first).toBe(`${h.sample.runIds[8]},${h.sample.failedId}`);
    expect(second).toBe(`${h.sample.runIds[6]},${h.sample.runIds[7]}`);
    expect(body).toContain('0.7900 ± 0.0141');
    expect(body).toContain(`<a href="/runs/${h.sample.runIds[6]}" title="run ${h.sample.runIds[6]} (done)">s1</a>`);
    expect(body).toContain(`href="/compare?run=${h.sample.runIds[6]}&amp;run=${h.sample.runIds[7]}"`);
  });

  it('renders one row per run with group=none, each linking to its run page', async () => {
    const { body } = await h.get(`${path}?group=none&sort=index&dir=asc`);
    expect(rowsOf(body)).toEqual(h.sample.runIds);
    expect(body).toContain(`<a href="/runs/${h.sample.runIds[0]}"><code>${h.sample.runIds[0]}</code></a>`);
    expect(body).toContain('<span class="status status-failed">failed</span>');
  });

  it('links every header to sorting by it, and the sorted one to the other direction', async () => {
    const { body } = await h.get(`${path}?group=none&sort=param:head.dropout&dir=asc`);
    expect(body).toContain('aria-sort="ascending"');
    expect(body).toContain('href="?group=none&amp;sort=param%3Ahead.dropout&amp;dir=desc">head.dropout ▲</a>');
    expect(body).toContain('href="?group=none&amp;sort=best&amp;dir=desc">best val_accuracy</a>');
    expect(body).toContain('href="?group=none&amp;sort=epochs&amp;dir=asc">epochs</a>');
  });

  it('keeps filters in the inputs and in every link, and pages with previous/next', async () => {
    const { body } = await h.get(`${path}?group=none&sort=index&dir=asc&per=4&page=2&f.status=done`);
    expect(rowsOf(body)).toEqual(h.sample.runIds.slice(4, 8));
    expect(body).toContain('name="f.status" value="done"');
    expect(body).toContain('rows 5–8 of 9 · page 2 of 3');
    expect(body).toContain('href="?group=none&amp;sort=index&amp;dir=asc&amp;f.status=done&amp;per=4" rel="prev"');
    expect(body).toContain('href="?group=none&amp;sort=index&amp;dir=asc&amp;f.status=done&amp;per=4&amp;page=3" rel="next"');
  });

  it('offers CSV and JSON of the same view, and a compare form over the selected rows', async () => {
    const { body } = await h.get(`${path}?f.param:backbone.cutoff=block1`);
    expect(body).toContain(`href="/api/experiments/${h.sample.experimentId}/leaderboard.csv?sort=best&amp;dir=desc&amp;f.param%3Abackbone.cutoff=block1"`);
    expect(body).toContain('<form id="compare" method="get" action="/compare">');
    expect(body).toContain(`type="checkbox" form="compare" name="run" value="${h.sample.runIds[2]},${h.sample.runIds[3]}"`);
  });

  it('offers every stored metric as a column checkbox of the filters form, ticked when shown', async () => {
    const { body } = await h.get(`${path}?group=none&sort=index&dir=asc&cols=metric:wall_seconds`);
    const fragments = [
      '<summary>columns (1 of 7 metrics)</summary>',
      '<input type="checkbox" form="filters" name="cols" value="metric:wall_seconds" checked />',
      '<input type="checkbox" form="filters" name="cols" value="metric:final_val_loss" />',
      '<th class="number" data-column="metric:wall_seconds">',
      // header links keep the chosen columns
      'href="?group=none&amp;sort=metric%3Awall_seconds&amp;dir=asc&amp;cols=metric%3Awall_seconds">wall_seconds</a>',
      'name="f.metric:wall_seconds"',
    ];
    for (const fragment of fragments) expect(body).toContain(fragment);
  });

  it('shows every number at three to four significant digits, the stored value in the tooltip', async () => {
    const metricCell = (short: string, full: string): string => `<td class="number metric"><span title="${full}">${short}</span></td>`;
    const grouped = await h.get(`${path}?sort=index&dir=asc&cols=metric:wall_seconds,metric:final_val_loss&per=1`);
    for (const [short, full] of [
      ['5 ± 0.7071', '5 ± 0.7071067811865476'],
      ['0.6400 ± 0.0141', '0.6399999999999999 ± 0.014142135623730172'],
      ['0.3700 ± 0.0000', '0.37 ± 0'],
    ]) {
      expect(grouped.body).toContain(metricCell(short!, full!));
    }
    const perRun = await h.get(`${path}?group=none&sort=index&dir=asc&per=1`);
    expect(perRun.body).toContain(metricCell('0.6500', '0.6499999999999999'));
    expect(perRun.body).toContain(metricCell('0.7000', '0.7'));
    expect(perRun.body).toContain('<td class="number">4.5s</td>');
  });

  it('selects the rows per page in the filters form, keeping the rest of the view', async () => {
    const { body } = await h.get(`${path}?group=none&sort=index&dir=asc&per=4&f.status=done`);
    expect(body).toContain('<select name="per" form="filters" data-autosubmit aria-label="rows per page">');
    // a count typed into the URL is among the choices while it is shown
    expect(body).toContain('<option value="4" selected>4</option><option value="25">25</option><option value="50">50</option>');
    expect(body).not.toContain('type="hidden" name="per"');
    expect(body).toContain('<input type="hidden" name="sort" value="index" />');
    const standard = await h.get(`${path}?per=25`);
    expect(standard.body).toContain('<option value="25" selected>25</option>');
  });

  it('clears every filter with one link that keeps the sort, grouping, columns and page size', async () => {
    const { body } = await h.get(`${path}?group=none&sort=index&dir=asc&cols=metric:wall_seconds&per=4&f.status=DONE&f.param:head.dropout=0`);
    expect(body).toContain('<a class="clear-filters" href="?group=none&amp;sort=index&amp;dir=asc&amp;cols=metric%3Awall_seconds&amp;per=4">clear filters</a>');
    expect((await h.get(`${path}?group=none`)).body).not.toContain('clear filters');
  });

  it('explains the filter syntax, case and run id prefixes included', async () => {
    const { body } = await h.get(path);
    expect(body).toContain('Text ignores case (<code>DONE</code> finds done runs), and a run id matches by its first characters (<code>a1e9</code>).');
  });

  it('says so when nothing matches', async () => {
    const { body } = await h.get(`${path}?f.best=%3E2`);
    expect(body).toContain('No row matches these filters.');
  });

  it('escapes hostile names, swept values and filter text', async () => {
    const hostileFilter = '"><script>alert(4)</script>';
    const { status, body } = await h.get(`/experiments/${h.sample.hostileExperimentId}?f.param:backbone.cutoff=${encodeURIComponent(hostileFilter)}`);
    expect(status).toBe(200);
    expect(body).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(body).toContain('value="&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"');
    const unfiltered = await h.get(`/experiments/${h.sample.hostileExperimentId}`);
    expect(unfiltered.body).toContain('&lt;img src=x onerror=alert(2)&gt;');
    for (const text of [hostileName, hostileCutoff, '<script>alert(4)']) expect(body + unfiltered.body).not.toContain(text);
  });

  it('answers a bad query with a 400 page and an unknown experiment with a 404 page', async () => {
    const bad = await h.get(`${path}?sort=%3Cb%3E`);
    expect(bad.status).toBe(400);
    expect(bad.type).toContain('text/html');
    expect(bad.body).toContain('sort: unknown column &quot;&lt;b&gt;&quot;');
    const badPage = await h.get(`${path}?page=0`);
    expect(badPage.status).toBe(400);
    const missing = await h.get('/experiments/31337');
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('experiment 31337 does not exist');
  });
});
