import { LenteraError } from '../util/errors';

export class SchemaTooNewError extends LenteraError {
  constructor(file: string, found: number, supported: number) {
    super(
      'SCHEMA_TOO_NEW',
      `${file} was written by a newer Lentera (schema ${found}; this version understands up to ${supported}). ` +
        'Update Lentera to open it; the file has not been changed.',
      { file, found, supported },
    );
  }
}
