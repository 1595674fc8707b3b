import { useTranslation } from 'react-i18next';

/** Where the hub logged what was just sent, and whether its proof holds against the hub key pinned here. */
export function LogNote({ entry }: { entry: { logIndex: number; logVerified: boolean | null; logProblem: string | null } }) {
  const { t } = useTranslation();
  if (entry.logVerified === false) {
    return (
      <p className="field-error" role="alert">
        {t('voice.logProblem', { index: entry.logIndex, problem: entry.logProblem ?? '' })}
      </p>
    );
  }
  return (
    <p className="field-hint" data-testid="voice-log-note">
      {t(entry.logVerified ? 'voice.logVerified' : 'voice.logNoKey', { index: entry.logIndex })}
    </p>
  );
}
