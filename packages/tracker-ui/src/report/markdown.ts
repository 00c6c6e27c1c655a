/**
 * Text as Markdown shows it literally: what would start emphasis, code, a link, HTML or an entity,
 * or end a table cell (`|`), is backslash-escaped, and line breaks become spaces so a table row
 * stays one line. A stored name like `<script>` is shown, not run.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(/[\\`*_[\]<>|&#]/g, '\\$&');
}

export interface MarkdownColumn {
  readonly label: string;
  /** Right-aligned, as numbers read best. */
  readonly numeric?: boolean;
}

/** A GitHub-flavoured Markdown table of plain-text cells, each escaped here. */
export function markdownTable(columns: readonly MarkdownColumn[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
  return [line(columns.map((c) => c.label)), `| ${columns.map((c) => (c.numeric === true ? '---:' : '---')).join(' | ')} |`, ...rows.map(line)].join('\n');
}
