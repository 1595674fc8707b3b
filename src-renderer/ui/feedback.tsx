import { useId, type ReactNode } from 'react';

/** A refusal or failure, read out at once. */
export function ErrorAlert({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div role="alert" className="alert alert-error">
      {children}
    </div>
  );
}

/** A confirmation or a neutral notice, read out politely. */
export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' }) {
  if (!children) return null;
  return (
    <div role="status" className={`alert alert-${tone}`}>
      {children}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <section className="empty-state" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <p className="loading" role="status">
      {label}
    </p>
  );
}

/** A bar that fills as an upload goes on, with its percentage in words. */
export function ProgressBar({ label, value, max }: { label: string; value: number; max: number }) {
  const id = useId();
  const pct = max > 0 ? Math.round((value / max) * 100) : 100;
  return (
    <div className="progress">
      <label htmlFor={id}>{label}</label>
      <progress id={id} value={value} max={max || 1}>
        {pct}%
      </progress>
      <span className="progress-pct" aria-hidden="true">
        {pct}%
      </span>
    </div>
  );
}
