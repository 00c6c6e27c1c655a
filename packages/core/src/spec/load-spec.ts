import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { canonicalJson } from './canonical-json.ts';
import { explainIssues } from './explain-issues.ts';
import { applyOverrides } from './overrides.ts';
import { specSchema, type Spec } from './schema.ts';
import { SpecError } from './spec-error.ts';
import { createLocator, type LocateSpecPath } from './spec-locator.ts';
import { yamlProblems } from './yaml-problems.ts';

export interface SpecOptions {
  /** `--set path=value` arguments, applied in order (a later one wins). */
  overrides?: readonly string[];
}

export interface LoadedSpec {
  file: string;
  text: string;
  /** Validated, with every default filled in. */
  spec: Spec;
  /** sha256 (hex) of the spec's canonical JSON: formatting, comments and key order do not change it. */
  specHash: string;
  /** Where a path into the spec was written, for reporting problems found after loading (e.g. in the sweep). */
  locate: LocateSpecPath;
}

export function loadSpec(file: string, options: SpecOptions = {}): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SpecError([{ file, path: '', code: 'TLAB_SPEC_NOT_FOUND', message: unreadableMessage(resolve(file), error) }]);
  }
  return parseSpec(text, file, options);
}

/** Parses and validates spec text; every problem (with its position) is thrown in one SpecError. */
export function parseSpec(text: string, file: string, options: SpecOptions = {}): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = yamlProblems(doc, lineCounter, file);
  const overridden = applyOverrides(doc, options.overrides ?? []);
  // Validating a document with syntax errors would only report their echoes.
  if (syntax.length > 0) throw new SpecError([...syntax, ...overridden.problems]);

  const locate = createLocator(doc, lineCounter, file, overridden.applied);
  const parsed = specSchema.safeParse(doc.toJS(), { reportInput: true });
  if (!parsed.success || overridden.problems.length > 0) {
    const invalid = explainIssues(parsed.error?.issues ?? [], specSchema).map((issue) => ({
      ...locate(issue.path, { key: issue.atKey }),
      path: issue.path.join('.'),
      code: issue.code,
      message: issue.message,
    }));
    throw new SpecError([...overridden.problems, ...invalid]);
  }
  const spec = parsed.data;
  return { file, text, spec, specHash: createHash('sha256').update(canonicalJson(spec)).digest('hex'), locate };
}

function unreadableMessage(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no spec file at ${path}`;
  if (code === 'EISDIR') return `${path} is a directory, expected a YAML spec file`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}
