import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { notRegularFile } from '../files/regular-file.ts';
import { canonicalJson } from '../text/canonical-json.ts';
import { formatBytes } from '../text/format-bytes.ts';
import { explainIssues } from './explain-issues.ts';
import { applyOverrides } from './overrides.ts';
import { maxDescriptionLength, specSchema, type Spec } from './schema.ts';
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

/**
 * A spec is a page of YAML (those in experiments/ are under 2 KB). A 50 MB one took 2 GB to parse
 * and was then stored in the DB and served by the UI; past this it is refused before parsing.
 */
export const maxSpecBytes = 1024 ** 2;

export function loadSpec(file: string, options: SpecOptions = {}): LoadedSpec {
  const refuse = (message: string) => new SpecError([{ file, path: '', code: 'TLAB_SPEC_NOT_FOUND', message }]);
  let size: number;
  let bytes: Buffer;
  try {
    const stats = statSync(file);
    const kind = notRegularFile(stats);
    if (kind !== undefined) throw refuse(`${resolve(file)} is ${kind}, expected a YAML spec file`);
    size = stats.size;
    bytes = readAtMost(file, maxSpecBytes + 1);
  } catch (error) {
    if (error instanceof SpecError) throw error;
    throw refuse(unreadableMessage(resolve(file), error));
  }
  if (bytes.length > maxSpecBytes) {
    const message = `expected a spec file of at most ${maxSpecBytes} bytes (${formatBytes(maxSpecBytes)}), got ${size} bytes (${formatBytes(size)}); a spec is a page of YAML (\`description\` holds up to ${maxDescriptionLength} characters), so nothing was parsed`;
    throw new SpecError([{ file, path: '', code: 'TLAB_SPEC_TOO_LARGE', message }]);
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
  const invalid = explainIssues(parsed.error?.issues ?? [], specSchema).map((issue) => ({
    ...locate(issue.path, { key: issue.atKey }),
    path: issue.path.join('.'),
    code: issue.code,
    message: issue.message,
  }));
  if (!parsed.success || overridden.problems.length > 0) throw new SpecError([...overridden.problems, ...invalid]);
  const spec = parsed.data;
  return { file, text, spec, specHash: createHash('sha256').update(canonicalJson(spec)).digest('hex'), locate };
}

/** The file's first `limit` bytes (all of it if shorter): a file growing as it is read cannot make this read more. */
function readAtMost(file: string, limit: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    let read: number;
    do {
      read = readSync(fd, buffer, length, limit - length, null);
      length += read;
    } while (read > 0 && length < limit);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
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
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}
