/**
 * Why a candidate has a status, as data: a stable code and its parameters. The engine decides with these; the
 * Indonesian sentence that signed sheets, exports and the publication site print is made here, by one renderer, and
 * the screens say the same thing in the reader's language (src-renderer i18n, results.reason.<code>).
 *
 * The sentences are part of signed and published results (RankedCandidate.reason is inside every result digest),
 * so each must read exactly as it always has: change a template here and every digest changes with it.
 */

/** A list of numbers or formation codes: the first few shown, with how many more there are. */
export interface ReasonList {
  items: string[];
  more: number;
  /** what the `more` are: candidates or formations */
  of: 'candidates' | 'formations';
}

type None = Record<string, never>;

/** Each code with its parameters. Codes are stable: clients and tests key on them. */
export interface ReasonParams {
  withdrew: None;
  ineligible: None;
  absentSkd: None;
  skdIncomplete: None;
  absentSkb: None;
  skbIncomplete: None;
  absentStage: None;
  stageIncomplete: None;
  /** integration: rank within the quota */
  withinQuota: { rank: number; quota: number };
  /** integration: ranked, but outside the quota */
  outsideQuota: { rank: number; quota: number };
  /** integration: passed every grade, but outside the skb_cap × quota SKB seats */
  outsideSkbCap: { rank: number; cap: number; quota: number; seats: number };
  /** weighted stages: rank within the proposed number */
  withinProposed: { rank: number; quota: number };
  outsideProposed: { rank: number; quota: number };
  optimalisasi: { seat: number; formation: string; position: string };
  unknownFormation: { formation: string };
  unknownKategori: { kategori: string; ruleset: string };
  /** a passing grade or stage minimum: "TIU 75 < 80"; value and min as decimals with a point */
  threshold: { name: string; value: string; op: '≥' | '<'; min: string };
  /** provisional: BL candidates of the formation could still change this status */
  waitsCandidates: { formation: string; list: ReasonList };
  /** provisional: optimalisasi of the position waits for incomplete formations */
  waitsFormations: { list: ReasonList };
}

export type ReasonCode = keyof ReasonParams;
export type Reason = { [C in ReasonCode]: { code: C; params: ReasonParams[C] } }[ReasonCode];

export const REASON_CODES = [
  'withdrew',
  'ineligible',
  'absentSkd',
  'skdIncomplete',
  'absentSkb',
  'skbIncomplete',
  'absentStage',
  'stageIncomplete',
  'withinQuota',
  'outsideQuota',
  'outsideSkbCap',
  'withinProposed',
  'outsideProposed',
  'optimalisasi',
  'unknownFormation',
  'unknownKategori',
  'threshold',
  'waitsCandidates',
  'waitsFormations',
] as const satisfies readonly ReasonCode[];

export function reason<C extends ReasonCode>(code: C, params: ReasonParams[C]): Reason {
  return { code, params } as Reason;
}

/** At most five shown; "a, b dan c", "a, b, c, d, e dan 7 peserta lain". */
export function reasonList(all: string[], of: ReasonList['of']): ReasonList {
  const items = all.slice(0, 5);
  return { items, more: all.length - items.length, of };
}

function listId(l: ReasonList): string {
  if (l.more > 0) return `${l.items.join(', ')} dan ${l.more} ${l.of === 'candidates' ? 'peserta lain' : 'formasi lain'}`;
  return l.items.length <= 1 ? l.items.join('') : `${l.items.slice(0, -1).join(', ')} dan ${l.items.at(-1)!}`;
}

/** The Indonesian sentence of one reason, exactly as the engine has always written it. */
export function reasonId(r: Reason): string {
  switch (r.code) {
    case 'withdrew':
      return 'mengundurkan diri';
    case 'ineligible':
      return 'tidak memenuhi syarat';
    case 'absentSkd':
      return 'tidak hadir SKD';
    case 'skdIncomplete':
      return 'nilai SKD belum lengkap';
    case 'absentSkb':
      return 'tidak hadir SKB';
    case 'skbIncomplete':
      return 'nilai SKB belum lengkap';
    case 'absentStage':
      return 'tidak hadir pada salah satu tahap';
    case 'stageIncomplete':
      return 'nilai tahap belum lengkap';
    case 'withinQuota':
      return `peringkat ${r.params.rank} dari kebutuhan ${r.params.quota}`;
    case 'outsideQuota':
      return `peringkat ${r.params.rank}, kebutuhan ${r.params.quota}`;
    case 'outsideSkbCap':
      return `peringkat SKD ${r.params.rank} di luar ${r.params.cap} × ${r.params.quota} = ${r.params.seats} peserta SKB`;
    case 'withinProposed':
      return `peringkat ${r.params.rank} dari ${r.params.quota}`;
    case 'outsideProposed':
      return `peringkat ${r.params.rank}, diusulkan ${r.params.quota}`;
    case 'optimalisasi':
      return `optimalisasi: mengisi kursi ${r.params.seat} formasi ${r.params.formation} (${r.params.position}) yang tidak terpenuhi`;
    case 'unknownFormation':
      return `formasi ${r.params.formation} tidak dikenal`;
    case 'unknownKategori':
      return `kategori "${r.params.kategori}" tidak dikenal aturan ${r.params.ruleset}`;
    case 'threshold':
      return `${r.params.name} ${r.params.value} ${r.params.op} ${r.params.min}`;
    case 'waitsCandidates':
      return `nilai peserta formasi ${r.params.formation} belum lengkap (BL): ${listId(r.params.list)}`;
    case 'waitsFormations':
      return `optimalisasi jabatan ini menunggu formasi yang belum lengkap (BL): ${listId(r.params.list)}`;
  }
}

/** Several reasons (failed grades, or what a provisional status waits for) in one Indonesian line, "; " between. */
export function reasonsId(rs: readonly Reason[]): string {
  return rs.map(reasonId).join('; ');
}
