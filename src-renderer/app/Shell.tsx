import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account } from '../api';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { canSee, NAV } from './nav';
import { hrefOf, type RouteId } from './router';
import { StatusBar } from './StatusBar';
import { useSession } from './store';

/** The frame after login: sidebar with every capability, the page, and the status bar. */
export function Shell({ account, route, children }: { account: Account; route: RouteId; children: ReactNode }) {
  const { t } = useTranslation();
  const logout = useSession((s) => s.logout);
  const mainRef = useRef<HTMLElement>(null);

  // Moving between pages puts the focus on the new page, as a page load would.
  useEffect(() => {
    mainRef.current?.focus();
  }, [route]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <aside className="sidebar">
        <div className="brand">{t('app.name')}</div>
        <nav aria-label={t('nav.label')}>
          <ul className="nav-list">
            {NAV.filter((item) => canSee(item, account.role)).map((item) => (
              <li key={item.id}>
                <a
                  className={`nav-link${item.planned ? ' nav-planned' : ''}`}
                  href={hrefOf(item.id)}
                  aria-current={route === item.id ? 'page' : undefined}
                >
                  {t(`nav.${item.id}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-user">
          <p className="user-name" data-testid="current-user">
            {account.displayName}
          </p>
          <p className="user-role">
            {account.name} · {t(`roles.${account.role}`)}
          </p>
          <a className="nav-link nav-small" href={hrefOf('pin')} aria-current={route === 'pin' ? 'page' : undefined}>
            {t('nav.pin')}
          </a>
          <button type="button" className="btn btn-secondary btn-block" onClick={() => void logout()}>
            {t('nav.logout')}
          </button>
        </div>
      </aside>
      <div className="shell-body">
        <header className="topbar">
          <LanguageSwitch />
        </header>
        <main id="main" className="page" ref={mainRef} tabIndex={-1}>
          {children}
        </main>
      </div>
      <StatusBar />
    </div>
  );
}
