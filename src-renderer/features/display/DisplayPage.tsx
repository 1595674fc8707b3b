import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useLiveEvent } from '../../app/live';
import { hrefOf } from '../../app/router';
import { formatDecimal, formatTimeWib } from '../../i18n/format';
import { scoringError } from '../scoring/errors';
import type { DisplayBoard } from '../scoring/types';
import { interviewConversion, interviewScaleLabel } from '../scoring/interview-score';
import type { DisplayTarget } from './route';
import { useLatestOnly } from '../../app/latest';

/**
 * The public screen at the venue: finalized and fully signed interview results of one session, in large type.
 * No login: it reads the public display.board and follows display.changed as results are signed. The score is
 * named as the result sheet names it: on the rubric's scale and on 0–100, never "Nilai akhir" (the final score).
 */
export function DisplayPage({ target }: { target: DisplayTarget }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const { exam, session } = target;
  const [board, setBoard] = useState<DisplayBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const [full, setFull] = useState(false);

  const latest = useLatestOnly();
  const load = useCallback(async () => {
    if (!exam || !session) return;
    const current = latest.ask();
    const r = await api.invoke('display.board', { exam, session });
    if (!current()) return; // another session was picked meanwhile: the screen shows that one
    if (!r.ok) {
      setError(scoringError(t, lang, r.error));
      return;
    }
    setError(null);
    setBoard(r.value);
    setUpdatedAt(new Date());
  }, [exam, session, t, lang, latest]);

  useEffect(() => {
    void load();
  }, [load]);

  useLiveEvent(['display.changed'], (data) => {
    const d = data as { exam?: string; session?: string } | null;
    if (!d || (d.exam === exam && d.session === session)) void load();
  });

  useEffect(() => {
    const onChange = () => setFull(Boolean(document.fullscreenElement));
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);

  function toggleFullscreen() {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen?.().catch(() => undefined);
  }

  if (!exam || !session) {
    return (
      <main className="display">
        <h1 className="display-title">{t('display.title')}</h1>
        <p className="display-message" role="alert">
          {t('display.incomplete')}
        </p>
      </main>
    );
  }

  return (
    <div className="display">
      <header className="display-header">
        <p className="display-agency">{board?.exam.agency ?? ''}</p>
        <h1 className="display-title">{board?.exam.name ?? t('display.title')}</h1>
        <p className="display-session" data-testid="display-session">
          {board ? t('display.session', { session: board.session.code, room: board.session.room }) : session}
        </p>
      </header>
      <main className="display-main" aria-live="polite">
        {error ? (
          <p className="display-message" role="alert">
            {error}
          </p>
        ) : !board ? (
          <p className="display-message">{t('common.loading')}</p>
        ) : board.results.length === 0 ? (
          <p className="display-message" data-testid="display-empty">
            {t('display.empty')}
          </p>
        ) : (
          <table className="display-table" data-testid="display-table">
            <caption className="visually-hidden">{t('display.caption', { session: board.session.code })}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('display.col.no')}
                </th>
                <th scope="col">{t('display.col.nomor')}</th>
                <th scope="col">{t('display.col.nama')}</th>
                {board.scale ? (
                  <th scope="col" className="num" data-testid="display-col-scale">
                    {interviewScaleLabel(t, lang, board.scale)}
                  </th>
                ) : null}
                <th scope="col" className="num" data-testid="display-col-score">
                  {t('interviewScore.hundred')}
                </th>
              </tr>
            </thead>
            <tbody>
              {board.results.map((r, i) => (
                <tr key={r.nomorPeserta} data-testid={`display-row-${r.nomorPeserta}`}>
                  <td className="num">{i + 1}</td>
                  <td className="display-nomor">{r.nomorPeserta}</td>
                  <td className="display-nama">{r.nama}</td>
                  {board.scale ? <td className="num display-scale">{r.total === null ? '–' : formatDecimal(r.total, lang)}</td> : null}
                  <td className="num display-total">{r.score === null ? '–' : formatDecimal(r.score, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </main>
      <footer className="display-footer">
        <span>{t('display.note')}</span>
        {board?.scale && board.results.length ? <span data-testid="display-conversion">{interviewConversion(t, lang, board.scale)}</span> : null}
        {updatedAt ? <span data-testid="display-updated">{t('display.updated', { time: formatTimeWib(updatedAt, lang) })}</span> : null}
        <span className="display-controls">
          <button type="button" className="btn btn-secondary btn-small" onClick={toggleFullscreen}>
            {t(full ? 'display.exitFullscreen' : 'display.fullscreen')}
          </button>
          <a className="display-back" href={hrefOf('scoring')}>
            {t('display.back')}
          </a>
        </span>
      </footer>
    </div>
  );
}
