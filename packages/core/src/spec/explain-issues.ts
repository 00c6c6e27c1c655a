import type { z } from 'zod';
import { describeExpected, describeValue } from './describe-expected.ts';
import { closestMatch, suggestionFor } from '../text/did-you-mean.ts';
import { fieldNames, schemaAt, type PathSegment } from './schema-path.ts';
import type { SpecProblemCode } from '../errors/error-codes.ts';

/** A zod issue in user terms, still in schema coordinates; the caller decides where it points. */
export interface ExplainedIssue {
  path: PathSegment[];
  /** True when `path` ends in a key that should be pointed at, rather than at its value. */
  atKey: boolean;
  code: Extract<SpecProblemCode, 'TLAB_SPEC_INVALID' | 'TLAB_SPEC_UNKNOWN_KEY'>;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** Issues must come from a parse with `reportInput: true`, so messages can say what was found. */
export function explainIssues(issues: readonly Issue[], root: z.ZodType, prefix: readonly PathSegment[] = []): ExplainedIssue[] {
  return issues.flatMap((issue): ExplainedIssue[] => {
    const path = [...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))];
    if (issue.code === 'unrecognized_keys') {
      const allowed = fieldNames(schemaAt(root, path));
      return issue.keys.map((key) => ({ path: [...path, key], atKey: true, code: 'TLAB_SPEC_UNKNOWN_KEY', message: `unknown key "${key}"${suggestionFor(key, allowed)}` }));
    }
    if (issue.code === 'invalid_union') {
      const branch = likeliestBranch(issue.errors);
      if (branch !== undefined) return explainIssues(branch, root, path);
    }
    if (issue.code === 'custom') return [{ path, atKey: false, code: 'TLAB_SPEC_INVALID', message: issue.message }];
    const schema = schemaAt(root, path);
    const expected = schema === undefined ? issue.message : `expected ${describeExpected(schema)}`;
    const found = issue.input === undefined ? 'but it is missing' : `got ${describeValue(issue.input)}${misspelling(issue)}`;
    return [{ path, atKey: false, code: 'TLAB_SPEC_INVALID', message: `${expected}, ${found}` }];
  });
}

/**
 * When no option of a union fits, the option the user evidently meant is the one whose shape the
 * value has (no type mismatch at the top) and that complains least; explaining that option beats
 * listing every option's complaints. With no clear winner the caller says what the union accepts.
 */
function likeliestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const shaped = branches.filter((issues) => !issues.some((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value')));
  const fewest = Math.min(...shaped.map((issues) => issues.length));
  const best = shaped.filter((issues) => issues.length === fewest);
  return best.length === 1 ? best[0] : undefined;
}

/** ` (did you mean "mnist"?)` when a wrong name is a near miss of an allowed one. */
function misspelling(issue: Issue): string {
  if (issue.code !== 'invalid_value' || issue.values.length < 2 || typeof issue.input !== 'string') return '';
  const match = closestMatch(issue.input, issue.values.filter((value): value is string => typeof value === 'string'));
  return match === undefined ? '' : ` (did you mean "${match}"?)`;
}
