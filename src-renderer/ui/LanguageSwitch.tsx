import { useTranslation } from 'react-i18next';
import { usePrefs } from '../app/store';
import { LANGUAGES } from '../i18n';

/** "ID | EN": the choice is kept in this browser (localStorage). */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const language = usePrefs((s) => s.language);
  const setLanguage = usePrefs((s) => s.setLanguage);
  return (
    <div className="lang-switch" role="group" aria-label={t('language.label')}>
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="button"
          className="lang-button"
          aria-pressed={language === lang}
          title={t(`language.${lang}`)}
          onClick={() => setLanguage(lang)}
        >
          {lang.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
