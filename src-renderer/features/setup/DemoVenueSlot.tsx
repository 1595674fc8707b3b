import { useTranslation } from 'react-i18next';

/**
 * SLOT: the "try a demo venue" button goes here, once the demo exam package (resources/examples/) and the
 * command that loads it exist. It will create the workstation with a demo coordinator and a sample exam.
 */
export function DemoVenueSlot() {
  const { t } = useTranslation();
  return (
    <aside className="demo-slot" aria-label={t('setup.demoTitle')}>
      <h2>{t('setup.demoTitle')}</h2>
      <p>{t('setup.demoSoon')}</p>
    </aside>
  );
}
