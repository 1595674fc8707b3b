import { useCallback, useLayoutEffect, useState } from 'react';
import { api, type ErrorBody, type ExamDetail, type ExamListItem } from '../api';
import { useLiveEvent } from './live';
import { useLatestOnly } from './latest';

/** The exams of this workstation, read again when they change (an exam package imported elsewhere). */
export function useExamList(): { exams: ExamListItem[] | null; error: ErrorBody | null; reload: () => void } {
  const [exams, setExams] = useState<ExamListItem[] | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const latest = useLatestOnly();
  const load = useCallback(async () => {
    const current = latest.ask();
    const result = await api.invoke('exams.list');
    if (!current()) return;
    if (!result.ok) {
      setError(result.error);
      setExams([]);
      return;
    }
    setError(null);
    setExams(result.value);
  }, [latest]);
  // Asked in the commit, not after the paint that follows it: the page's data comes a frame sooner.
  useLayoutEffect(() => {
    void load();
  }, [load]);
  useLiveEvent(['exams.changed'], () => void load());
  const reload = useCallback(() => void load(), [load]);
  return { exams, error, reload };
}

export interface ExamChoice {
  exams: ExamListItem[] | null;
  exam: string;
  setExam: (code: string) => void;
  /** the chosen exam's formations, stages and sessions; null while it loads */
  detail: ExamDetail | null;
  error: ErrorBody | null;
  /** reads the exams and the chosen exam's detail again (a session was closed, a package imported) */
  reload: () => void;
}

/**
 * The exams, the one picked (`initial` when it still exists, else the newest) and its detail: what every page
 * with an exam picker starts from.
 */
export function useExamChoice(initial = ''): ExamChoice {
  const list = useExamList();
  const [picked, setExam] = useState(initial);
  const [detail, setDetail] = useState<ExamDetail | null>(null);
  const [error, setError] = useState<ErrorBody | null>(null);
  const { exams } = list;
  // The pick while the list has it, else the newest. Worked out in the render, not set by an effect after it, so the
  // detail is asked in the render the list arrives in: one render of the page fewer before its data.
  const exam = exams && !exams.some((e) => e.code === picked) ? (exams[0]?.code ?? '') : picked;

  const latestDetail = useLatestOnly();
  const loadDetail = useCallback(async () => {
    const current = latestDetail.ask();
    if (!exam) {
      setDetail(null);
      return;
    }
    const result = await api.invoke('exams.get', { exam });
    if (!current()) return; // another exam was picked, or it changed, meanwhile
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setError(null);
    setDetail(result.value);
  }, [exam, latestDetail]);
  useLayoutEffect(() => {
    void loadDetail();
  }, [loadDetail]);
  useLiveEvent(['exams.changed'], () => void loadDetail());

  const reloadList = list.reload;
  const reload = useCallback(() => {
    reloadList();
    void loadDetail();
  }, [reloadList, loadDetail]);
  return { exams, exam, setExam, detail: detail && detail.exam.code === exam ? detail : null, error: list.error ?? error, reload };
}
