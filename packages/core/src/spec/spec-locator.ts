import { isAlias, isMap, isNode, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './schema-path.ts';
import type { SpecLocation } from './spec-error.ts';

/** Maps a path into the spec to where the user wrote it. */
export type LocateSpecPath = (path: readonly PathSegment[], options?: { key?: boolean }) => SpecLocation;

/** A `--set` argument as applied to the document. */
export interface AppliedOverride {
  arg: string;
  path: readonly string[];
}

export function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/**
 * A path that does not exist (a missing field) points at the nearest enclosing node that does. A
 * node without a source range was put there by an override, so the path is blamed on that `--set`.
 */
export function createLocator(doc: Document, lineCounter: LineCounter, file: string, overrides: readonly AppliedOverride[]): LocateSpecPath {
  const position = (node: Node): SpecLocation => {
    const { line, col } = lineCounter.linePos(node.range?.[0] ?? 0);
    return { file, line, column: col };
  };
  const blame = (prefix: readonly PathSegment[]): SpecLocation => {
    const override = overrides.findLast((candidate) => startsWith(candidate.path, prefix));
    return override === undefined ? { file } : { file: `--set ${override.arg}` };
  };

  return (path, options = {}) => {
    let node: unknown = doc.contents;
    let found: SpecLocation = isNode(node) ? position(node) : { file, line: 1, column: 1 };
    for (const [depth, segment] of path.entries()) {
      const step = childOf(doc, node, segment);
      if (step === undefined) break;
      const target = options.key === true && depth === path.length - 1 ? step.key : step.value;
      if (!isNode(target) || target.range == null) return blame(path.slice(0, depth + 1));
      found = position(target);
      node = step.value;
    }
    return found;
  };
}

function childOf(doc: Document, parent: unknown, segment: PathSegment): { key: unknown; value: unknown } | undefined {
  const node = isAlias(parent) ? parent.resolve(doc) : parent;
  if (isMap(node)) {
    const pair = node.items.find((item) => String(isNode(item.key) && 'value' in item.key ? item.key.value : item.key) === String(segment));
    // `key:` with nothing after it has no value node; the key is the best position for it.
    return pair === undefined ? undefined : { key: pair.key, value: pair.value ?? pair.key };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item = node.items[segment];
    return item === undefined ? undefined : { key: item, value: item };
  }
  return undefined;
}
