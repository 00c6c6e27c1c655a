export * from './schema.ts';
export { canonicalJson } from './canonical-json.ts';
export { formatValue } from './format-value.ts';
export { specJsonSchema, specJsonSchemaFile, specJsonSchemaText } from './json-schema.ts';
export { loadSpec, parseSpec, type LoadedSpec, type SpecOptions } from './load-spec.ts';
export { resolveConfig } from './resolve-config.ts';
export type { PathSegment } from './schema-path.ts';
export { formatSpecProblem, SpecError, specProblemCodes, type SpecLocation, type SpecProblem, type SpecProblemCode } from './spec-error.ts';
export type { LocateSpecPath } from './spec-locator.ts';
