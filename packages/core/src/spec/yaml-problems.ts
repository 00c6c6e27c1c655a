import { isMap, isNode, isScalar, isSeq, type Document, type LineCounter } from 'yaml';
import type { SpecProblem } from './spec-error.ts';

/** Syntax errors of the parsed file, duplicate keys included (a silent last-one-wins hides typos). */
export function yamlProblems(doc: Document, lineCounter: LineCounter, file: string): SpecProblem[] {
  return doc.errors.map((error) => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    const duplicate = error.code === 'DUPLICATE_KEY' ? findDuplicateKey(doc.contents, error.pos[0], []) : undefined;
    const message =
      duplicate === undefined
        ? error.message
        : `duplicate key "${duplicate.path.at(-1)}" (first defined on line ${lineCounter.linePos(duplicate.firstOffset).line})`;
    return { file, line, column: col, path: duplicate?.path.join('.') ?? '', code: 'TLAB_SPEC_YAML', message };
  });
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
