import { LenteraError } from '../util/errors';

/** A refusal of a bundle: the reason is for the coordinator, the code for tests and clients. */
export class BundleRefused extends LenteraError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
