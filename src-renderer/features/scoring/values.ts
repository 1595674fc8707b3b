import type { ExamDetail } from '../../api';
import { formatDecimal } from '../../i18n/format';
import type { StageItem, StageKind } from './types';

/** Digits with a decimal comma or point, as a person types them ("4", "82,5", "82.5"). */
export function parseTyped(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  return Number(s);
}

export type RangeProblem = { kind: 'format' } | { kind: 'range' } | { kind: 'step' };

/** What is wrong with a value for this item, checked before it is sent (the registry checks again). */
export function rangeProblem(value: number | null, item: { min: number; max: number; step: number }): RangeProblem | null {
  if (value === null || !Number.isFinite(value)) return { kind: 'format' };
  if (value < item.min || value > item.max) return { kind: 'range' };
  const units = (value - item.min) / item.step;
  if (Math.abs(units - Math.round(units)) > 1e-9) return { kind: 'step' };
  return null;
}

function decimalsOf(step: number): number {
  return (String(step).split('.')[1] ?? '').length;
}

/** A number as the machine keeps it, shown with a decimal comma in Bahasa Indonesia. */
export function formatNumber(value: number, lang: string): string {
  return formatDecimal(String(value), lang);
}

/** The value of `units` whole steps above the item's minimum, rounded to the step's decimals. */
export function fromUnits(item: { min: number; step: number }, units: number): number {
  return Number((item.min + units * item.step).toFixed(decimalsOf(item.step)));
}

interface RawItem {
  code?: unknown;
  name?: unknown;
  label?: unknown;
  min?: unknown;
  max?: unknown;
  step?: unknown;
}

function toItem(raw: RawItem): StageItem | null {
  if (typeof raw.code !== 'string' || typeof raw.min !== 'number' || typeof raw.max !== 'number' || typeof raw.step !== 'number') return null;
  const name = typeof raw.name === 'string' ? raw.name : typeof raw.label === 'string' ? raw.label : raw.code;
  return { code: raw.code, name, min: raw.min, max: raw.max, step: raw.step };
}

/** The scorable items of a stage: its components, or its rubric's criteria for an interview. */
export function stageItems(stage: ExamDetail['stages'][number] | undefined): StageItem[] {
  if (!stage) return [];
  const def = (stage.definition ?? {}) as { components?: RawItem[]; rubric?: { criteria?: RawItem[] } };
  const list = stage.kind === 'interview' ? (def.rubric?.criteria ?? []) : (def.components ?? []);
  return list.map(toItem).filter((x): x is StageItem => x !== null);
}

export function stageKind(stage: ExamDetail['stages'][number] | undefined): StageKind | null {
  const k = stage?.kind;
  return k === 'cat' || k === 'written' || k === 'practical' || k === 'interview' ? k : null;
}

/** Whether a stage's name already says its kind ("Seleksi Kompetensi Bidang (CAT)"), so a label need not repeat it. */
export function nameShowsKind(name: string, kindLabel: string): boolean {
  return kindLabel.trim() !== '' && name.toLocaleLowerCase('id').includes(kindLabel.toLocaleLowerCase('id'));
}
