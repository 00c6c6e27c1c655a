import { suggestionFor } from '../text/did-you-mean.ts';
import { specSchema, variantConfigSchema } from '../spec/schema.ts';
import { fieldNames, schemaAt } from '../spec/schema-path.ts';

const sections = fieldNames(variantConfigSchema);
// name, description, metric, sweep: they describe the experiment as a whole, so one value serves every variant.
const experimentFields = fieldNames(specSchema).filter((field) => !sections.includes(field));

/** Why a dotted parameter path does not name a field of the variant config, or undefined if it does. */
export function sweepPathProblem(path: readonly string[]): string | undefined {
  const [section] = path;
  if (section !== undefined && experimentFields.includes(section)) {
    return `"${section}" belongs to the experiment, not to a variant, so it cannot be swept (sweepable: ${sections.join(', ')})`;
  }
  for (const [depth, field] of path.entries()) {
    const parent = path.slice(0, depth);
    const allowed = fieldNames(schemaAt(variantConfigSchema, parent));
    if (allowed.length === 0) return `${parent.join('.')} is a single value, it has no field "${field}"`;
    if (!allowed.includes(field)) {
      const owner = depth === 0 ? 'a variant' : parent.join('.');
      return `${owner} has no field "${field}"${suggestionFor(field, allowed)}`;
    }
  }
  return undefined;
}
