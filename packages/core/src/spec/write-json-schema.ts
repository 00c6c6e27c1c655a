// Regenerates experiments/spec.schema.json after a change to schema.ts:
//   npx tsx packages/core/src/spec/write-json-schema.ts
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { specJsonSchemaFile, specJsonSchemaText } from './json-schema.ts';

writeFileSync(specJsonSchemaFile, specJsonSchemaText());
console.log(`wrote ${fileURLToPath(specJsonSchemaFile)}`);
