// Writes resources/examples/ from the demo generator: `npx tsx scripts/make-examples.ts`.
// A unit test checks the committed files still match, so the examples never drift from the format.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleFiles } from '../src-main/core/demo/examples';

const dir = join(import.meta.dirname, '..', 'resources', 'examples');
for (const [name, text] of Object.entries(exampleFiles())) writeFileSync(join(dir, name), text);
console.log(`wrote ${Object.keys(exampleFiles()).join(', ')} to ${dir}`);

const { examPackageJsonSchema } = await import('../src-main/core/exams/json-schema');
writeFileSync(join(import.meta.dirname, '..', 'docs', 'exam-package.schema.json'), examPackageJsonSchema());
console.log('wrote docs/exam-package.schema.json');
