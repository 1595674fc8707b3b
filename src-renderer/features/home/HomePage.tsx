import { useTranslation } from 'react-i18next';
import type { Account } from '../../api';
import { canSee, NAV } from '../../app/nav';
import { hrefOf } from '../../app/router';
import { useSession } from '../../app/store';
import { formatDateTimeWib } from '../../i18n/format';

export function HomePage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const status = useSession((s) => s.status);
  const items = NAV.filter((n) => n.id !== 'home' && canSee(n, account.role));
  return (
    <div className="page-section">
      <h1>{t('home.welcome', { name: account.displayName })}</h1>
      <p className="lead">
        {t('home.signedInAs', { name: account.name, role: t(`roles.${account.role}`) })}
      </p>
      <dl className="facts">
        <dt>{t('home.workstation')}</dt>
        <dd>
          <code>{status?.workstationId}</code>
        </dd>
        <dt>{t('home.today')}</dt>
        <dd>{formatDateTimeWib(new Date(), i18n.language)}</dd>
      </dl>
      <h2>{t('home.nextTitle')}</h2>
      <p>{t(`home.next.${account.role}`)}</p>
      <ul className="cards">
        {items.map((item) => (
          <li key={item.id} className="tile">
            <a href={hrefOf(item.id)} className="tile-link">
              {t(`nav.${item.id}`)}
            </a>
            <p>{t(`pages.${item.id}.summary`)}</p>
            {item.planned ? <span className="badge">{t('common.planned')}</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
