import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { StatusBar } from './StatusBar';

/** The screens before login: a centred card, the language switch and the status bar. */
export function PublicFrame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="public-frame">
      <header className="public-header">
        <span className="brand">{t('app.name')}</span>
        <span className="brand-tagline">{t('app.tagline')}</span>
        <LanguageSwitch />
      </header>
      <main className="public-main">{children}</main>
      <StatusBar />
    </div>
  );
}
