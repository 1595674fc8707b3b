import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ErrorBody, FileEncoding } from '../../api';
import { Notice } from '../../ui/feedback';

/** Encodings read without a word: UTF-8 with or without its byte-order mark, and workbooks. */
const QUIET: readonly FileEncoding[] = ['utf-8', 'utf-8-bom', 'xlsx'];

/**
 * A short notice on a roster or CAT preview when the file was not UTF-8 (read as Windows-1252 or UTF-16), so the
 * person checks the names before importing.
 */
export function EncodingNotice({ encoding }: { encoding: FileEncoding | undefined }) {
  const { t } = useTranslation();
  if (!encoding || QUIET.includes(encoding)) return null;
  return (
    <div data-testid="encoding-notice">
      <Notice>{t('exams.encoding.notice', { encoding: t(`exams.encoding.names.${encoding}`) })}</Notice>
    </div>
  );
}

function str(x: unknown): string {
  return typeof x === 'string' || typeof x === 'number' ? String(x) : '';
}

/** A FILE_ENCODING refusal in the person's language, with file, line and column; null for any other refusal. */
export function encodingRefusal(t: TFunction, error: ErrorBody): string | null {
  if (error.code !== 'FILE_ENCODING') return null;
  const d = error.details ?? {};
  const values = { file: str(d.file), line: str(d.line), column: str(d.column), char: str(d.char) };
  const encoding = str(d.encoding);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') return t('exams.encoding.refusedUtf16', values);
  if (d.reason === 'mixed' || d.reason === 'invalid-utf8-after-bom') return t('exams.encoding.refusedMixed', values);
  return t('exams.encoding.refused', values);
}
