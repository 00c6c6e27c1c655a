import { describe, expect, it } from 'vitest';
import { jsonScript } from './json-script.ts';

describe('jsonScript', () => {
  it('cannot be ended early by the data it carries, and still parses back to the same data', async () => {
    const data = { name: '</script><script>alert(1)</script>', comment: '<!--', separators: '\u2028\u2029', quote: '"&\'' };
    const text = String(await jsonScript('data', data));
    expect(text.match(/<\/script>/g)).toHaveLength(1);
    expect(text).not.toContain('<!--');
    const inner = /^<script type="application\/json" id="data">(.*)<\/script>$/s.exec(text)![1]!;
    expect(JSON.parse(inner)).toEqual(data);
  });
});
