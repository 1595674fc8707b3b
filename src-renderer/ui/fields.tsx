import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes } from 'react';

interface FieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> {
  label: string;
  hint?: ReactNode;
  error?: string | null | undefined;
  ref?: Ref<HTMLInputElement>;
}

/** An input with its own <label>, and a hint or an error tied to it for screen readers. */
export function TextField({ label, hint, error, className, ...input }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A PIN: digits only, never shown, the numeric keypad on touch screens. */
export function PinField(props: Omit<FieldProps, 'type' | 'inputMode'>) {
  return (
    <TextField
      type="password"
      inputMode="numeric"
      pattern="[0-9]*"
      autoComplete="off"
      maxLength={12}
      {...props}
    />
  );
}

/** A workstation passphrase: hidden, never completed or spell-checked by the browser, at most 1024 characters. */
export function PassphraseField(props: Omit<FieldProps, 'type'>) {
  return <TextField type="password" autoComplete="off" spellCheck={false} maxLength={1024} {...props} />;
}

/** The recovery key's 24 words, numbered, as they are written on paper (shown once; never kept). */
export function RecoveryWords({ words, label, testId }: { words: string[]; label: string; testId: string }) {
  return (
    <ol className="recovery-words" data-testid={testId} aria-label={label}>
      {words.map((w, i) => (
        <li key={i}>
          <span className="recovery-number" aria-hidden="true">
            {i + 1}.
          </span>{' '}
          <span className="recovery-word">{w}</span>
        </li>
      ))}
    </ol>
  );
}

interface SelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id'> {
  label: string;
  options: { value: string; label: string }[];
}

export function SelectField({ label, options, ...select }: SelectProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface FileFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'type' | 'onChange' | 'value'> {
  label: string;
  hint?: ReactNode;
  onFile: (file: File) => void;
  ref?: Ref<HTMLInputElement>;
}

/** Choose a file: the one chosen is handed over at once, and the input is emptied so the same file can be chosen again. */
export function FileField({ label, hint, onFile, ...input }: FileFieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        aria-describedby={hint ? hintId : undefined}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
        {...input}
      />
      {hint ? (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** A multi-line text with its own label, and a hint or an error tied to it for screen readers. */
export function TextAreaField({
  label,
  hint,
  value,
  onChange,
  error,
  autoFocus,
  maxLength = 1000,
  rows = 3,
  disabled,
}: {
  label: string;
  hint?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | null | undefined;
  autoFocus?: boolean;
  maxLength?: number;
  rows?: number;
  disabled?: boolean;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="textarea"
        rows={rows}
        maxLength={maxLength}
        value={value}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.value)}
        {...(autoFocus ? { 'data-autofocus': 'true' } : {})}
      />
      {hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
