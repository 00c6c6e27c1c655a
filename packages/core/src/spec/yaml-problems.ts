import { isMap, isNode, isScalar, isSeq, visit, type Alias, type Document, type LineCounter } from 'yaml';
import type { SpecProblem } from './spec-error.ts';

/** Syntax errors of the parsed file, duplicate keys included (a silent last-one-wins hides typos). */
export function yamlProblems(doc: Document, lineCounter: LineCounter, file: string): SpecProblem[] {
  return doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === 'DUPLICATE_KEY' ? findDuplicateKey(doc.contents, error.pos[0], []) : undefined;
    const message =
      duplicate !== undefined
        ? `duplicate key "${duplicate.path.at(-1)}" (first defined on line ${lineCounter.linePos(duplicate.firstOffset).line})`
        : error.code === 'MULTIPLE_DOCS'
          ? // yaml's own text points at its parseAllDocuments(), which a spec author cannot call.
            'a second YAML document starts here; expected a spec to be one document (remove this `---` and what follows)'
          : error.message;
    return { file, line, column: col, path: duplicate?.path.join('.') ?? '', code: 'TLAB_SPEC_YAML', message };
  });
}

/**
 * The document as plain data, or why it has none. yaml resolves aliases only here and throws a bare
 * ReferenceError for an alias with no anchor before it and for an alias bomb ("billion laughs"):
 * without this they would crash the command instead of being reported as spec problems.
 */
export function documentData(doc: Document, lineCounter: LineCounter, file: string): { data: unknown } | { problem: SpecProblem } {
  try {
    return { data: doc.toJS() };
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const unresolved = firstAlias(doc, (alias) => alias.resolve(doc) === undefined);
    const at = unresolved ?? firstAlias(doc, () => true);
    const { line, col } = lineCounter.linePos(at?.range?.[0] ?? 0);
    const message =
      unresolved !== undefined
        ? `alias *${unresolved.source} refers to no anchor; expected an &${unresolved.source} anchor before it`
        : 'aliases expand to too many nodes (a possible "billion laughs" attack); expected a spec that repeats itself less through aliases';
    return { problem: { file, line, column: col, path: '', code: 'TLAB_SPEC_YAML', message } };
  }
}

function firstAlias(doc: Document, test: (alias: Alias) => boolean): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias: (_key, alias) => {
      if (!test(alias)) return undefined;
      found = alias;
      return visit.BREAK;
    },
  });
  return found;
}

const keyText = (key: unknown): string => String(isScalar(key) ? key.value : key);

function findDuplicateKey(node: unknown, offset: number, path: string[]): { path: string[]; firstOffset: number } | undefined {
  const children: Array<[string, unknown]> = [];
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = keyText(pair.key);
      if (isNode(pair.key) && pair.key.range?.[0] === offset) {
        const first = node.items.find((candidate) => keyText(candidate.key) === key);
        const firstOffset = isNode(first?.key) ? (first.key.range?.[0] ?? offset) : offset;
        return { path: [...path, key], firstOffset };
      }
      children.push([key, pair.value]);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => children.push([String(index), item]));
  }
  for (const [key, child] of children) {
    const found = findDuplicateKey(child, offset, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
