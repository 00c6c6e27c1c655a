import { isMap, LineCounter, parseDocument, type Document } from 'yaml';
import { presetAsObject } from './resolve-config.ts';
import type { SpecProblem } from './spec-error.ts';
import type { AppliedOverride } from './spec-locator.ts';
import { documentData } from './yaml-problems.ts';

export interface OverrideResult {
  applied: AppliedOverride[];
  problems: SpecProblem[];
}

/**
 * Applies `--set path=value` arguments to the parsed document, before validation, so an override
 * is checked exactly like the file and its problems can be blamed on the argument. The value is
 * YAML: `3` is a number, `[a, b]` a list, `{rotation_range: 10}` a mapping.
 */
export function applyOverrides(doc: Document, args: readonly string[]): OverrideResult {
  const applied: AppliedOverride[] = [];
  const problems: SpecProblem[] = [];
  for (const arg of args) {
    const file = `--set ${arg}`;
    const equals = arg.indexOf('=');
    if (equals < 0) {
      problems.push({ file, path: '', code: 'TLAB_SPEC_BAD_OVERRIDE', message: `expected path=value (e.g. train.epochs=3), got "${arg}"` });
      continue;
    }
    const pathText = arg.slice(0, equals).trim();
    const path = pathText.split('.');
    if (path.some((segment) => segment === '')) {
      problems.push({ file, path: '', code: 'TLAB_SPEC_BAD_OVERRIDE', message: `expected a dotted path before "=" (e.g. train.epochs), got "${pathText}"` });
      continue;
    }
    const value = overrideValue(arg.slice(equals + 1), file);
    if ('invalid' in value) {
      problems.push({ file, path: '', code: 'TLAB_SPEC_YAML', message: `the value is not valid YAML: ${value.invalid}` });
      continue;
    }
    if (path[0] === 'augment' && path.length > 1) {
      const preset = presetAsObject(doc.get('augment'));
      if (preset !== undefined) doc.set('augment', doc.createNode(preset));
    }
    const blocked = firstNonMapping(doc, path);
    if (blocked !== undefined) {
      const where = blocked.length === 0 ? 'the spec' : blocked.join('.');
      problems.push({ file, path: '', code: 'TLAB_SPEC_BAD_OVERRIDE', message: `cannot set ${pathText}: ${where} is not a mapping` });
      continue;
    }
    doc.setIn(path, doc.createNode(value.data));
    applied.push({ arg, path });
  }
  return { applied, problems };
}

/** The parsed value of a `--set`, or why it has none. */
function overrideValue(text: string, file: string): { data: unknown } | { invalid: string } {
  const value = parseDocument(text, { prettyErrors: false });
  const syntax = value.errors[0];
  if (syntax !== undefined) return { invalid: syntax.message };
  const data = documentData(value, new LineCounter(), file);
  return 'problem' in data ? { invalid: data.problem.message } : data;
}

/** The first enclosing node on `path` that exists but cannot hold keys (missing ones are created). */
function firstNonMapping(doc: Document, path: readonly string[]): string[] | undefined {
  for (let depth = 0; depth < path.length; depth++) {
    const prefix = path.slice(0, depth);
    const node = depth === 0 ? doc.contents : doc.getIn(prefix, true);
    if (node === undefined || node === null) return undefined;
    if (!isMap(node)) return prefix;
  }
  return undefined;
}
