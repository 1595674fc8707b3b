/** What every door answers: the same shape over IPC, HTTP and in the CLI. */
export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

export type Result<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Stable codes the registry itself produces; capabilities add their own. */
export const REGISTRY_CODES = {
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  INVALID_INPUT: 'INVALID_INPUT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PIN_CHANGE_REQUIRED: 'PIN_CHANGE_REQUIRED',
  NOT_INITIALISED: 'NOT_INITIALISED',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL: 'INTERNAL',
} as const;

const HTTP_STATUS: Record<string, number> = {
  UNKNOWN_COMMAND: 404,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  LOGIN_FAILED: 401,
  FORBIDDEN: 403,
  PIN_CHANGE_REQUIRED: 403,
  ACCOUNT_INACTIVE: 403,
  CONFLICT: 409,
  ALREADY_INITIALISED: 409,
  ALREADY_UNLOCKED: 409,
  ACCOUNT_LOCKED: 423,
  WORKSTATION_LOCKED: 423,
  RATE_LIMITED: 429,
  NOT_INITIALISED: 503,
  SCHEMA_TOO_NEW: 503,
  INTERNAL: 500,
};

export function httpStatusFor(code: string): number {
  return HTTP_STATUS[code] ?? 422;
}

export function fail(code: string, message: string, details: Record<string, unknown> = {}): { ok: false; error: ErrorBody } {
  return { ok: false, error: { code, message, details } };
}
