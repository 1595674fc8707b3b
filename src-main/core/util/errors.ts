/**
 * A refusal the caller can act on. `code` is stable (clients switch on it); `message` is for people;
 * `details` carries the place (file, line, column, JSON path) and what was expected.
 */
export class LenteraError extends Error {
  /**
   * What the refusal itself must leave behind although the command's own changes are rolled back (a wrong PIN
   * counts). The registry runs it in the transaction that audits the refusal.
   */
  consequence?: () => void;

  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'LenteraError';
  }
}

export function isLenteraError(e: unknown): e is LenteraError {
  return e instanceof LenteraError;
}
