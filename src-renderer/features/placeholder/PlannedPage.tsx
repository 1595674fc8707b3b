import { useTranslation } from 'react-i18next';
import { hrefOf, type RouteId } from '../../app/router';
import { EmptyState } from '../../ui/feedback';

/** A capability that is not built yet: what it will hold, and what to do meanwhile. */
export function PlannedPage({ route }: { route: RouteId }) {
  const { t } = useTranslation();
  return (
    <div className="page-section">
      <h1>{t(`nav.${route}`)}</h1>
      <EmptyState title={t('planned.title')}>
        <p>{t(`pages.${route}.what`)}</p>
        <p>
          <strong>{t('planned.next')}</strong> {t(`pages.${route}.next`)}
        </p>
      </EmptyState>
    </div>
  );
}

/** A page this role does not use. Only cosmetic: the registry refuses the commands anyway. */
export function NoAccess({ route }: { route: RouteId }) {
  const { t } = useTranslation();
  return (
    <div className="page-section">
      <h1>{t(`nav.${route}`)}</h1>
      <EmptyState title={t('noAccess.title')}>
        <p>{t('noAccess.body')}</p>
        <p>
          <a href={hrefOf('home')}>{t('noAccess.back')}</a>
        </p>
      </EmptyState>
    </div>
  );
}
