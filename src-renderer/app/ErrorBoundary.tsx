import { Component, type ErrorInfo, type ReactNode } from 'react';
import { i18n } from '../i18n';

interface State {
  error: Error | null;
}

/** Whatever breaks in a screen, the person sees what happened and a way out, not a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error('[lentera] the screen failed:', error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <main className="crash" role="alert">
        <h1>{i18n.t('crash.title')}</h1>
        <p>{i18n.t('crash.body')}</p>
        <pre className="crash-detail">{error.message}</pre>
        <button type="button" className="btn btn-primary" onClick={() => window.location.reload()}>
          {i18n.t('crash.reload')}
        </button>
      </main>
    );
  }
}
