import { z } from 'zod';
import { examPackageSchema } from './package-schema';

/** The JSON Schema of the exam package, generated from the zod schema the importer uses: one source of truth. */
export function examPackageJsonSchema(): string {
  const schema = z.toJSONSchema(examPackageSchema, { io: 'input', target: 'draft-2020-12' });
  return JSON.stringify({ ...schema, $id: 'https://lentera.local/schemas/exam-package-1.json', title: 'Lentera exam package (lentera.exam/1)' }, null, 2) + '\n';
}
