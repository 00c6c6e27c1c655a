import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { canonicalJson } from '../text/canonical-json.ts';
import { explainIssues } from './explain-issues.ts';
import { applyOverrides } from './overrides.ts';
import { specSchema, type Spec } from './schema.ts';
import { SpecError, type SpecProblem } from './spec-error.ts';
import { createLocator, type LocateSpecPath } from './spec-locator.ts';
import { documentData, yamlProblems } from './yaml-problems.ts';

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
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new SpecError([{ file, path: '', code: 'TLAB_SPEC_NOT_FOUND', message: unreadableMessage(resolve(file), error) }]);
  }
  // Decoding would silently turn other bytes (a Latin-1 é) into U+FFFD, which then ends up in the
  // experiment name, the stored spec and the hashes.
  if (!isUtf8(bytes)) throw new SpecError([notUtf8Problem(bytes, file)]);
  return parseSpec(bytes.toString('utf8'), file, options);
}

/** Parses and validates spec text; every problem (with its position) is thrown in one SpecError. */
export function parseSpec(text: string, file: string, options: SpecOptions = {}): LoadedSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = yamlProblems(doc, lineCounter, file);
  const overridden = applyOverrides(doc, options.overrides ?? []);
  // Validating a document with syntax errors would only report their echoes.
  if (syntax.length > 0) throw new SpecError([...syntax, ...overridden.problems]);

  const value = documentData(doc, lineCounter, file);
  if ('problem' in value) throw new SpecError([value.problem, ...overridden.problems]);

  const locate = createLocator(doc, lineCounter, file, overridden.applied);
  const parsed = specSchema.safeParse(value.data, { reportInput: true });
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

/** Points at the first byte that is not UTF-8: the first U+FFFD of the decoded text that was not literally in the file. */
function notUtf8Problem(bytes: Buffer, file: string): SpecProblem {
  const text = bytes.toString('utf8');
  for (let index = text.indexOf('\uFFFD'); index >= 0; index = text.indexOf('\uFFFD', index + 1)) {
    const before = text.slice(0, index);
    // Everything before it decoded cleanly, so it re-encodes to the file's own bytes.
    const offset = Buffer.byteLength(before);
    if (bytes.subarray(offset, offset + 3).equals(replacementCharacter)) continue;
    const lines = before.split('\n');
    const byte = `0x${(bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0')}`;
    const message = `byte ${byte} is not valid UTF-8; expected a UTF-8 text file (re-save it as UTF-8)`;
    return { file, line: lines.length, column: (lines.at(-1) ?? '').length + 1, path: '', code: 'TLAB_SPEC_YAML', message };
  }
  throw new TypeError('notUtf8Problem needs bytes that are not UTF-8');
}

const replacementCharacter = Buffer.from('\uFFFD', 'utf8');

function unreadableMessage(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `no spec file at ${path}`;
  if (code === 'EISDIR') return `${path} is a directory, expected a YAML spec file`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}
