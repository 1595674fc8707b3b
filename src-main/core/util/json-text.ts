import { parse as parseLenient, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { LenteraError } from './errors';

/** A value JSON can carry: what a parsed JSON text, or a value that went through JSON, is known to be. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Parses JSON text; on failure says the line and column, which JSON.parse does not always tell. */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (e) {
    const errors: ParseError[] = [];
    parseLenient(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const position = first?.offset ?? text.length;
    const line = text.slice(0, position).split('\n').length;
    const column = position - text.lastIndexOf('\n', position - 1);
    const expected = first ? printParseErrorCode(first.error) : (e as Error).message;
    throw new LenteraError('MALFORMED_JSON', `${what} is not valid JSON at line ${line}, column ${column}: ${expected}.`, {
      position,
      line,
      column,
      expected,
    });
  }
}
