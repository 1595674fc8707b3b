import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Account, type CommandOutput } from '../../api';
import { useLiveReload } from '../../app/pace';
import { canSee, NAV } from '../../app/nav';
import { hrefOf } from '../../app/router';
import { useSession } from '../../app/store';
import { errorMessage } from '../../i18n/errors';
import { formatDateTimeWib } from '../../i18n/format';
import { EmptyState, ErrorAlert } from '../../ui/feedback';
import { useLatestOnly } from '../../app/latest';

type HomeTask = CommandOutput<'home.tasks'>['tasks'][number];

/**
 * The attendance page opens on the session it last had (its own sessionStorage choice): a task about one session
 * leaves that choice there, so the link lands on the very session whose candidates are waiting.
 */
function preselect(task: HomeTask): void {
  if (task.route !== 'attendance' || !task.exam || !task.session) return;
  try {
    sessionStorage.setItem('lentera.attendance', JSON.stringify({ exam: task.exam, session: task.session }));
  } catch {
    // storage disabled: the page opens on its first session
  }
}

function TaskList({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const [tasks, setTasks] = useState<HomeTask[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    const current = latest.ask();
    const r = await api.invoke('home.tasks', {});
    if (!current()) return;
    if (r.ok) {
      setTasks(r.value.tasks);
      setError(null);
    } else setError(errorMessage(t, i18n.language, r.error));
  }, [t, i18n.language, latest]);
  useEffect(() => {
    void load();
  }, [load]);
  // Work done at another desk (a check-in, a submission) changes what waits here. Every such change is an audited
  // command, which moves the chain head after its own event: listening to both would read the list twice. On a busy
  // day that is several a second, and the list costs the server a few hundred ms: the reloads are paced.
  useLiveReload(['audit.head'], () => true, load);

  if (error) return <ErrorAlert>{error}</ErrorAlert>;
  // The heading stays put while loading, so the page does not jump when the list arrives.
  if (!tasks) return <p className="muted">{t('home.tasks.loading')}</p>;
  if (!tasks.length) {
    return (
      <EmptyState title={t('home.tasks.emptyTitle')}>
        <p>{t(`home.next.${account.role}`)}</p>
      </EmptyState>
    );
  }
  return (
    <ol className="task-list" data-testid="home-tasks">
      {tasks.map((task) => (
        <li key={`${task.kind} ${task.exam ?? ''} ${task.session ?? ''} ${task.stage ?? ''}`} className="task-item">
          <span className="task-text">
            {t(`home.task.${task.kind}`, { count: task.count, exam: task.exam, session: task.session, stage: task.stage })}
          </span>
          <a className="btn btn-secondary task-go" href={hrefOf(task.route)} onClick={() => preselect(task)}>
            {t(`home.go.${task.route}`)}
          </a>
        </li>
      ))}
    </ol>
  );
}

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
      <section aria-labelledby="home-tasks-title">
        <h2 id="home-tasks-title">{t('home.tasks.title')}</h2>
        <TaskList account={account} />
      </section>
      <h2>{t('home.allPages')}</h2>
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
