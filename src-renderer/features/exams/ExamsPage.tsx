import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Account, type PackageSummary, type RosterSummary } from '../../api';
import { useExamChoice } from '../../app/exams';
import { useLiveEvent } from '../../app/live';
import { errorMessage } from '../../i18n/errors';
import { formatCount, formatDateTimeWib } from '../../i18n/format';
import { EmptyState, ErrorAlert, Notice, Spinner } from '../../ui/feedback';
import { SelectField } from '../../ui/fields';
import { CandidatesTable } from './CandidatesTable';
import { PackageImport } from './PackageImport';
import { RejectedReportLink, RosterImport } from './RosterImport';
import { TableCaption, TableWrap } from '../../ui/TableWrap';

type Panel = 'package' | 'roster' | null;

/** The exams on this workstation, their import, and their candidates. */
export function ExamsPage({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const canImport = account.role === 'coordinator';
  const choice = useExamChoice();
  const { exams, exam: selected, setExam: setSelected, detail } = choice;
  const [panel, setPanel] = useState<Panel>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [report, setReport] = useState<RosterSummary | null>(null);

  // A roster import changes the counts shown with the exam.
  useLiveEvent(['roster.changed'], () => choice.reload());

  function open(p: Panel) {
    setNotice(null);
    setReport(null);
    setPanel(p);
  }

  function packageImported(s: PackageSummary) {
    setPanel(null);
    setNotice(t(`exams.package.done.${s.status}`, { exam: s.exam.code }));
    setSelected(s.exam.code);
    choice.reload();
  }

  function rosterImported(exam: string, s: RosterSummary, skipped: boolean) {
    setPanel(null);
    setNotice(
      t(skipped ? 'exams.roster.doneSkipped' : 'exams.roster.done', {
        exam,
        inserts: s.inserts,
        updates: s.updates.length,
        unchanged: s.unchanged,
        rejected: s.rejectedCount,
      }),
    );
    setReport(skipped && s.rejectedCount ? s : null);
    setSelected(exam);
    choice.reload();
  }

  return (
    <div className="page-section">
      <div className="page-head">
        <h1>{t('exams.title')}</h1>
        {canImport ? (
          <div className="form-actions">
            <button type="button" className="btn btn-primary" onClick={() => open('package')} disabled={panel === 'package'}>
              {t('exams.package.open')}
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => open('roster')} disabled={!exams?.length || panel === 'roster'}>
              {t('exams.roster.open')}
            </button>
          </div>
        ) : null}
      </div>
      <p className="lead">{t(canImport ? 'exams.introCoordinator' : 'exams.intro')}</p>
      {panel === 'package' ? <PackageImport onImported={packageImported} onCancel={() => setPanel(null)} /> : null}
      {panel === 'roster' && exams?.length ? (
        <RosterImport exams={exams} exam={selected || exams[0]!.code} onImported={rosterImported} onCancel={() => setPanel(null)} />
      ) : null}
      <Notice tone="success">{notice}</Notice>
      {report ? (
        <p>
          <RejectedReportLink file={report.file.name} rejected={report.rejected} delimiter={report.reportDelimiter} />
        </p>
      ) : null}
      <ErrorAlert>{choice.error ? errorMessage(t, lang, choice.error) : null}</ErrorAlert>

      {exams === null ? (
        <Spinner label={t('common.loading')} />
      ) : exams.length === 0 ? (
        <EmptyState title={t('exams.empty')}>
          <p>{t(canImport ? 'exams.emptyCoordinator' : 'exams.emptyOthers')}</p>
        </EmptyState>
      ) : (
        <>
          <TableWrap>
            <table className="table" data-testid="exam-list">
              <TableCaption>{t('exams.caption', { count: exams.length })}</TableCaption>
              <thead>
                <tr>
                  <th scope="col">{t('exams.col.code')}</th>
                  <th scope="col">{t('exams.col.name')}</th>
                  <th scope="col">{t('exams.col.agency')}</th>
                  <th scope="col">{t('exams.col.year')}</th>
                  <th scope="col">{t('exams.col.formations')}</th>
                  <th scope="col">{t('exams.col.sessions')}</th>
                  <th scope="col">{t('exams.col.candidates')}</th>
                  <th scope="col">{t('exams.col.importedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {exams.map((e) => (
                  <tr key={e.code} aria-current={e.code === selected ? 'true' : undefined}>
                    <th scope="row" className="nowrap">
                      <code>{e.code}</code>
                    </th>
                    <td>{e.name}</td>
                    <td>{e.agency}</td>
                    <td>{e.year}</td>
                    <td className="num">{formatCount(e.formations, lang)}</td>
                    <td className="num">{formatCount(e.sessions, lang)}</td>
                    <td className="num">{formatCount(e.candidates, lang)}</td>
                    <td className="nowrap">{formatDateTimeWib(e.importedAt, lang)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>

          <section aria-labelledby="candidates-title">
            <div className="page-head">
              <h2 id="candidates-title">{t('exams.candidates.title')}</h2>
            </div>
            {exams.length > 1 ? (
              <div className="narrow-form">
                <SelectField
                  label={t('exams.candidates.exam')}
                  value={selected}
                  onChange={(e) => setSelected(e.target.value)}
                  options={exams.map((e) => ({ value: e.code, label: `${e.code} — ${e.name}` }))}
                />
              </div>
            ) : null}
            {selected ? <CandidatesTable key={selected} exam={selected} formations={detail?.formations ?? []} /> : null}
          </section>
        </>
      )}
    </div>
  );
}
