import { nameOf, PdfDict, PdfFile, PdfRef, PdfStream, sameValue, textOf, type PdfValue } from './pdf-structure';

/**
 * What an incremental update changed, and whether signing explains it: the model is Adobe's "allowed changes"
 * and pyHanko's difference analysis. Every object whose value differs between a revision and the one before
 * (new, changed or deleted) must be explained by a rule:
 *
 * - the catalog may change only in /AcroForm, /DSS and /Perms (never its /Perms /DocMDP);
 * - the form (/AcroForm) only in /Fields, /SigFlags, /DR and /DA; /Fields may only grow by new signature fields;
 * - a page only in /Annots, which may only grow by the new signature's widget (also listed in /Fields);
 * - a new signature field (a merged field and widget, /FT /Sig) must carry its value (/V, a new signature
 *   dictionary); an existing empty signature field may be filled (/V and /AP);
 * - objects reached only from the new signature's value or appearance may be new (the appearance's may also
 *   change); objects reached only from /DSS may be anything.
 *
 * Anything else that differs — page content, resources, annotations, the page tree, the document information,
 * metadata, an earlier signature — is a modification, reported with what it touched.
 */

type Allow = 'none' | 'new' | 'any';
interface Ctx {
  allow: Allow;
  label: string;
}

type Role = 'catalog' | 'pagetree' | 'page' | 'acroform' | 'fields' | 'annots' | 'sigfield';

export interface RevisionAnalysis {
  /** 0-based revision analysed (compared with the one before) */
  revision: number;
  /** what changed that signing does not explain; empty when the revision only signed */
  problems: string[];
  /** signature dictionaries (object numbers) that became the value of a signature field in this revision */
  newlySigned: number[];
}

export interface SignatureField {
  /** the field's object number */
  field: number;
  /** the field's name (/T) */
  name: string;
  /** the signature dictionary's object number and value */
  sigNum: number;
  sig: PdfDict;
}

const isDict = (v: PdfValue | undefined): v is PdfDict => v instanceof PdfDict;
const isSigField = (v: PdfValue | undefined): v is PdfDict => isDict(v) && nameOf(v.get('FT')) === 'Sig';
const BACK_POINTERS = new Set(['P', 'Parent', 'Data']);

/** The signature fields with a value, as revision `rev` lists them in /AcroForm /Fields (kids followed). */
export function signatureFields(file: PdfFile, rev: number): SignatureField[] {
  const catalog = file.resolve(rev, file.sections[rev]!.trailer.get('Root'));
  if (!isDict(catalog)) return [];
  const form = file.resolve(rev, catalog.get('AcroForm'));
  if (!isDict(form)) return [];
  const fields = file.resolve(rev, form.get('Fields'));
  if (!Array.isArray(fields)) return [];
  const out: SignatureField[] = [];
  const seen = new Set<number>();
  const walk = (ref: PdfValue, inheritedFt: string | null, depth: number) => {
    if (!(ref instanceof PdfRef) || seen.has(ref.num) || depth > 16) return;
    seen.add(ref.num);
    const f = file.object(rev, ref.num, ref.gen);
    if (!isDict(f)) return;
    const ft = nameOf(f.get('FT')) ?? inheritedFt;
    const kids = file.resolve(rev, f.get('Kids'));
    if (Array.isArray(kids) && kids.length) {
      for (const k of kids) walk(k, ft, depth + 1);
      return;
    }
    const v = f.get('V');
    if (ft !== 'Sig' || !(v instanceof PdfRef)) return;
    const sig = file.object(rev, v.num, v.gen);
    if (isDict(sig)) out.push({ field: ref.num, name: textOf(f.get('T')) ?? '', sigNum: v.num, sig });
  };
  for (const f of fields) walk(f, null, 0);
  return out;
}

/** The certification signature's object number and its DocMDP permission (1, 2 or 3), if the catalog has one. */
export function certification(file: PdfFile, rev: number): { sigNum: number; p: number } | null {
  const catalog = file.resolve(rev, file.sections[rev]!.trailer.get('Root'));
  if (!isDict(catalog)) return null;
  const perms = file.resolve(rev, catalog.get('Perms'));
  if (!isDict(perms)) return null;
  const ref = perms.get('DocMDP');
  if (!(ref instanceof PdfRef)) return null;
  const sig = file.object(rev, ref.num, ref.gen);
  let p = 2;
  if (isDict(sig)) {
    const refs = file.resolve(rev, sig.get('Reference'));
    for (const r of Array.isArray(refs) ? refs : []) {
      const d = file.resolve(rev, r);
      if (!isDict(d) || nameOf(d.get('TransformMethod')) !== 'DocMDP') continue;
      const params = file.resolve(rev, d.get('TransformParams'));
      const pv = isDict(params) ? params.get('P') : undefined;
      if (typeof pv === 'number') p = pv;
    }
  }
  return { sigNum: ref.num, p };
}

/**
 * Compares revision `rev` (0-based, at least 1) with the revision before it. `docMdp` is the permission of a
 * certification signature made earlier (null: none): with P=1 nothing but /DSS may change.
 */
export function analyseRevision(file: PdfFile, rev: number, docMdp: number | null): RevisionAnalysis {
  const old = rev - 1;
  const problems = new Set<string>();
  const newlySigned: number[] = [];
  const oldTrailer = file.sections[old]!.trailer;
  const newTrailer = file.sections[rev]!.trailer;
  const rootRef = newTrailer.get('Root');
  if (!(rootRef instanceof PdfRef)) return { revision: rev, problems: ['the document catalog (/Root) is missing'], newlySigned };
  if (!sameValue(oldTrailer.get('Root'), rootRef)) problems.add('the document catalog (/Root) was replaced');
  if (!sameValue(oldTrailer.get('Info'), newTrailer.get('Info'))) problems.add('the document information (/Info) was replaced');
  if (newTrailer.has('Encrypt')) problems.add('encryption was added');

  // Every object whose value (or generation) differs, old revision against new.
  const changed = new Map<number, 'new' | 'changed'>();
  const nums = new Set([...file.objectNumbers(old), ...file.objectNumbers(rev)]);
  for (const num of nums) {
    const eo = file.entry(old, num);
    const en = file.entry(rev, num);
    const gen = (e: typeof eo) => (e?.kind === 'at' ? e.gen : 0);
    const before = file.object(old, num);
    const after = file.object(rev, num);
    if (gen(eo) === gen(en) && sameValue(before, after)) continue;
    // A new generation makes every "num gen R" that named the object point at nothing.
    if (before !== null && eo?.kind !== 'free' && en?.kind !== 'free' && gen(eo) !== gen(en)) problems.add(`object ${num} was given another generation number`);
    changed.set(num, before === null ? 'new' : 'changed');
  }
  const before = (num: number) => file.object(old, num);
  const after = (num: number) => file.object(rev, num);
  const describe = (num: number) => `object ${num} ${changed.get(num) === 'new' ? 'added' : after(num) === null ? 'deleted' : 'changed'}`;
  const resolveOld = (v: PdfValue | undefined) => file.resolve(old, v);
  const resolveNew = (v: PdfValue | undefined) => file.resolve(rev, v);

  // The structure signing touches, identified in the new revision.
  const roles = new Map<number, Role>();
  const assign = (num: number, role: Role) => {
    const had = roles.get(num);
    if (had && had !== role) problems.add(`object ${num} is used both as ${had} and as ${role}`);
    else roles.set(num, role);
  };
  const pageIndex = new Map<number, number>();
  const annotsOwner = new Map<number, number>();
  assign(rootRef.num, 'catalog');
  const catalog = after(rootRef.num);
  if (!isDict(catalog)) return { revision: rev, problems: [...problems, 'the document catalog is not a dictionary'], newlySigned };
  const pages: number[] = [];
  const walkTree = (ref: PdfValue | undefined, depth: number) => {
    if (!(ref instanceof PdfRef) || depth > 32) return;
    if (roles.has(ref.num)) {
      problems.add(`the page tree names object ${ref.num} twice`);
      return;
    }
    const node = after(ref.num);
    if (!isDict(node)) return;
    if (nameOf(node.get('Type')) === 'Page' || !node.has('Kids')) {
      assign(ref.num, 'page');
      pages.push(ref.num);
      pageIndex.set(ref.num, pages.length);
      return;
    }
    assign(ref.num, 'pagetree');
    const kids = resolveNew(node.get('Kids'));
    if (Array.isArray(kids)) for (const k of kids) walkTree(k, depth + 1);
  };
  walkTree(catalog.get('Pages'), 0);
  const formRef = catalog.get('AcroForm');
  if (formRef instanceof PdfRef) assign(formRef.num, 'acroform');
  const form = resolveNew(formRef);
  const fieldNums = new Set<number>();
  if (isDict(form)) {
    const fieldsRef = form.get('Fields');
    if (fieldsRef instanceof PdfRef) assign(fieldsRef.num, 'fields');
    const fields = resolveNew(fieldsRef);
    if (Array.isArray(fields))
      for (const f of fields)
        if (f instanceof PdfRef) {
          fieldNums.add(f.num);
          if (isSigField(after(f.num))) assign(f.num, 'sigfield');
        }
  }
  for (const p of pages) {
    const page = after(p) as PdfDict;
    const annotsRef = page.get('Annots');
    if (annotsRef instanceof PdfRef) {
      assign(annotsRef.num, 'annots');
      annotsOwner.set(annotsRef.num, p);
    }
    const annots = resolveNew(annotsRef);
    if (Array.isArray(annots)) for (const a of annots) if (a instanceof PdfRef && isSigField(after(a.num))) assign(a.num, 'sigfield');
  }

  // Rules for the structure.
  const prefixGrows = (o: PdfValue, n: PdfValue, what: string): PdfValue[] | null => {
    const oa = Array.isArray(o) ? o : o === null ? [] : null;
    const na = Array.isArray(n) ? n : n === null ? [] : null;
    if (!oa || !na) {
      problems.add(`${what} is not an array`);
      return null;
    }
    if (na.length < oa.length || oa.some((x, i) => !sameValue(x, na[i]))) {
      problems.add(`${what}: an entry was removed or replaced`);
      return null;
    }
    return na.slice(oa.length);
  };
  const fieldsRule = (o: PdfValue, n: PdfValue) => {
    for (const x of prefixGrows(o, n, 'the form fields (/AcroForm /Fields)') ?? []) {
      if (!(x instanceof PdfRef) || changed.get(x.num) !== 'new') problems.add('the form fields: an existing object was added as a field');
      else if (!isSigField(after(x.num))) problems.add(`a form field that is not a signature was added (${describe(x.num)})`);
    }
  };
  const annotsRule = (o: PdfValue, n: PdfValue, page: number) => {
    const i = pageIndex.get(page) ?? '?';
    for (const x of prefixGrows(o, n, `page ${i}: /Annots`) ?? []) {
      const v = x instanceof PdfRef ? after(x.num) : x;
      if (!(x instanceof PdfRef) || changed.get(x.num) !== 'new' || !isSigField(v) || nameOf(v.get('Subtype')) !== 'Widget') {
        problems.add(`an annotation was added to page ${i}${x instanceof PdfRef ? ` (${describe(x.num)})` : ''}`);
        continue;
      }
      if (!fieldNums.has(x.num)) problems.add(`page ${i}: a signature widget (object ${x.num}) that is no form field`);
      const onPage = v.get('P');
      if (onPage !== undefined && !(onPage instanceof PdfRef && onPage.num === page)) problems.add(`page ${i}: a signature widget (object ${x.num}) that names another page`);
    }
  };
  const formRule = (o: PdfValue, n: PdfValue) => {
    if (!isDict(n)) {
      if (o !== null) problems.add('the form (/AcroForm) was removed');
      return;
    }
    const od = isDict(o) ? o : new PdfDict(new Map());
    for (const k of new Set([...od.keys(), ...n.keys()])) {
      if (['Type', 'Fields', 'SigFlags', 'DR', 'DA'].includes(k)) continue;
      if (!sameValue(od.get(k), n.get(k))) problems.add(`the form's /${k} changed`);
    }
    if (!sameValue(od.get('Fields'), n.get('Fields'))) fieldsRule(resolveOld(od.get('Fields')), resolveNew(n.get('Fields')));
  };
  const catalogRule = (o: PdfValue, n: PdfDict) => {
    if (!isDict(o)) {
      problems.add('the document catalog is new');
      return;
    }
    for (const k of new Set([...o.keys(), ...n.keys()])) {
      if (['AcroForm', 'DSS', 'Perms'].includes(k)) continue;
      if (!sameValue(o.get(k), n.get(k))) problems.add(`the catalog's /${k} changed`);
    }
    if (!sameValue(o.get('AcroForm'), n.get('AcroForm'))) formRule(resolveOld(o.get('AcroForm')), resolveNew(n.get('AcroForm')));
    const op = resolveOld(o.get('Perms'));
    const np = resolveNew(n.get('Perms'));
    const docMdpOf = (p: PdfValue) => (isDict(p) ? p.get('DocMDP') : undefined);
    if (!sameValue(docMdpOf(op), docMdpOf(np))) problems.add(docMdpOf(op) === undefined ? 'a certification (/Perms /DocMDP) was added after the first signature' : 'the certification (/Perms /DocMDP) was changed');
    if (docMdp === 1 && !sameValue(o, n, ['DSS'])) problems.add('the certification signature allows no changes (DocMDP P=1)');
  };
  const newSigValue = (v: PdfValue | undefined): number | null => {
    if (!(v instanceof PdfRef) || changed.get(v.num) !== 'new') return null;
    const sig = after(v.num);
    return isDict(sig) && (nameOf(sig.get('Type')) === 'Sig' || sig.has('ByteRange')) ? v.num : null;
  };
  const signedNow = new Set<number>();
  const sigFieldRule = (num: number) => {
    const o = before(num);
    const n = after(num) as PdfDict;
    const name = textOf(n.get('T')) ?? String(num);
    if (n.has('A') || n.has('AA')) problems.add(`signature field "${name}" carries actions (/A, /AA)`);
    if (changed.get(num) === 'new') {
      if (!n.has('V')) {
        problems.add(`an empty signature field "${name}" was added after signing (object ${num})`);
        return;
      }
      if (nameOf(n.get('Subtype')) !== 'Widget') problems.add(`signature field "${name}" is not a widget annotation`);
    } else {
      if (!isSigField(o) || o.has('V')) {
        problems.add(isSigField(o) ? `signature field "${name}" of an earlier signature was changed (object ${num})` : `object ${num} was turned into a signature field`);
        return;
      }
      for (const k of new Set([...o.keys(), ...n.keys()])) if (k !== 'V' && k !== 'AP' && !sameValue(o.get(k), n.get(k))) problems.add(`signature field "${name}": /${k} changed`);
      if (!n.has('V')) return;
    }
    const sigNum = newSigValue(n.get('V'));
    if (sigNum === null) problems.add(`signature field "${name}": its value is not a new signature dictionary`);
    else {
      newlySigned.push(sigNum);
      signedNow.add(num);
    }
  };

  for (const [num, role] of roles) {
    if (!changed.has(num)) continue;
    const n = after(num);
    if (role === 'catalog') catalogRule(before(num), n as PdfDict);
    else if (role === 'pagetree') problems.add(`the page tree changed (${describe(num)}): pages added, removed or replaced`);
    else if (role === 'page') {
      const o = before(num);
      const i = pageIndex.get(num)!;
      if (!isDict(o) || nameOf(o.get('Type')) !== 'Page') {
        problems.add(`page ${i} was replaced (${describe(num)})`);
        continue;
      }
      const np = n as PdfDict;
      for (const k of new Set([...o.keys(), ...np.keys()])) if (k !== 'Annots' && !sameValue(o.get(k), np.get(k))) problems.add(`page ${i}: /${k} changed (object ${num})`);
      if (!sameValue(o.get('Annots'), np.get('Annots'))) annotsRule(resolveOld(o.get('Annots')), resolveNew(np.get('Annots')), num);
    } else if (role === 'acroform') formRule(before(num), n);
    else if (role === 'fields') fieldsRule(before(num), n);
    else if (role === 'annots') annotsRule(before(num), n, annotsOwner.get(num)!);
    else if (role === 'sigfield') sigFieldRule(num);
  }
  if (newlySigned.length > 1) problems.add('more than one signature was added in one revision');
  if (docMdp === 1 && newlySigned.length) problems.add('a signature was added after a certification that allows no changes (DocMDP P=1)');

  // Where every other object is reached from, and what may happen to it there.
  const contexts = new Map<number, Ctx[]>();
  const visited = new Set<string>();
  const visit = (v: PdfValue | undefined, ctx: Ctx, depth: number): void => {
    if (v === undefined || v === null || depth > 200) return;
    if (v instanceof PdfRef) {
      const role = roles.get(v.num);
      if (role === 'page' || role === 'pagetree' || role === 'catalog') return;
      const key = `${v.num}:${ctx.allow}`;
      if (visited.has(key)) return;
      visited.add(key);
      const list = contexts.get(v.num) ?? [];
      list.push(ctx);
      contexts.set(v.num, list);
      if (role) return; // a form object: its rule judged it, its own walk covers what it holds
      visit(after(v.num), ctx, depth + 1);
    } else if (Array.isArray(v)) for (const x of v) visit(x, ctx, depth + 1);
    else if (v instanceof PdfStream) visit(v.dict, ctx, depth + 1);
    else if (v instanceof PdfDict) for (const [k, x] of v.map) if (!BACK_POINTERS.has(k)) visit(x, ctx, depth + 1);
  };
  const none = (label: string): Ctx => ({ allow: 'none', label });
  visit(newTrailer.get('Info'), none('the document information (/Info)'), 0);
  for (const [k, x] of catalog.map) {
    if (k === 'Pages' || k === 'AcroForm') continue;
    if (k === 'DSS') visit(x, { allow: 'any', label: 'the DSS' }, 0);
    else if (k === 'Perms') visit(x, { allow: 'new', label: 'the permissions (/Perms)' }, 0);
    else visit(x, none(k === 'Metadata' ? 'the XMP metadata' : `the catalog's /${k}`), 0);
  }
  const walkFormDict = (d: PdfValue) => {
    if (!isDict(d)) return;
    for (const [k, x] of d.map) {
      if (k === 'Fields') {
        const fields = resolveNew(x);
        for (const f of Array.isArray(fields) ? fields : []) if (!(f instanceof PdfRef && roles.get(f.num) === 'sigfield')) visit(f, none('a form field'), 0);
      } else visit(x, k === 'DR' ? { allow: 'new', label: "the form's default resources" } : none(`the form's /${k}`), 0);
    }
  };
  walkFormDict(form);
  for (const [num, role] of roles) {
    const v = after(num);
    if (!isDict(v)) continue;
    if (role === 'pagetree') for (const [k, x] of v.map) if (k !== 'Kids' && k !== 'Parent') visit(x, none('the page tree'), 0);
    if (role === 'page') {
      const i = pageIndex.get(num)!;
      for (const [k, x] of v.map) {
        if (k === 'Parent') continue;
        if (k !== 'Annots') {
          visit(x, none(k === 'Contents' ? `page ${i} content` : `page ${i} (/${k})`), 0);
          continue;
        }
        const annots = resolveNew(x);
        for (const a of Array.isArray(annots) ? annots : []) if (!(a instanceof PdfRef && roles.get(a.num) === 'sigfield')) visit(a, none(`an annotation on page ${i}`), 0);
      }
    }
    if (role === 'sigfield') {
      const name = textOf(v.get('T')) ?? String(num);
      const fresh = signedNow.has(num);
      for (const [k, x] of v.map) {
        if (BACK_POINTERS.has(k)) continue;
        if (!fresh) visit(x, none(`the signature field "${name}"`), 0);
        else visit(x, k === 'AP' ? { allow: 'any', label: "the new signature's appearance" } : { allow: 'new', label: 'the new signature' }, 0);
      }
    }
  }

  for (const [num, kind] of changed) {
    const role = roles.get(num);
    // The catalog, the page tree and the pages were judged by their rules above.
    if (role === 'page' || role === 'pagetree' || role === 'catalog') continue;
    for (const ctx of contexts.get(num) ?? []) {
      if (ctx.allow === 'any' || (ctx.allow === 'new' && (kind === 'new' || role))) continue;
      problems.add(`${ctx.label}: ${describe(num)}`);
    }
    if (docMdp === 1 && !(contexts.get(num) ?? []).every((c) => c.label === 'the DSS')) problems.add('the certification signature allows no changes (DocMDP P=1)');
  }
  return { revision: rev, problems: [...problems], newlySigned };
}
