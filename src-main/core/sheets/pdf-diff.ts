import { nameOf, PdfDict, PdfFile, PdfReadError, PdfRef, PdfStream, sameValue, textOf, type PdfValue } from './pdf-structure';

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

const SPACES = new Set([0, 9, 10, 11, 12, 13, 32]);
const isDigitByte = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;

/**
 * Where "N G obj" stands in buf[start, end), as the offsets of N: what a reader that rebuilds a cross-reference by
 * scanning the file takes for object definitions, inside strings, stream data and comments too.
 */
function objectHeaders(buf: Buffer, start: number, end: number): number[] {
  const out: number[] = [];
  const part = buf.subarray(start, end);
  for (let at = part.indexOf('obj'); at >= 0; at = part.indexOf('obj', at + 3)) {
    let i = at;
    const run = (test: (c: number | undefined) => boolean) => {
      const from = i;
      while (i > 0 && test(part[i - 1])) i--;
      return i < from;
    };
    const space = (c: number | undefined) => c !== undefined && SPACES.has(c);
    if (run(space) && run(isDigitByte) && run(space) && run(isDigitByte)) out.push(start + i);
  }
  return out;
}

/**
 * What revision `rev` writes that its cross-reference section does not list. A reader that cannot use a section
 * (one it reads otherwise than this one, a free entry it needs) rebuilds the cross-reference by scanning the file,
 * and there the last "N G obj" of each number wins: an object an update writes but lists nowhere is invisible here
 * and may be what that reader shows. So an update must consist of exactly the objects its section lists (at their
 * offsets, object streams included), that section and its trailer, white space and comments.
 */
export function unlistedObjects(file: PdfFile, rev: number): string[] {
  const section = file.sections[rev]!;
  const problems: string[] = [];
  let objects: ReturnType<PdfFile['bodyObjects']>;
  try {
    objects = file.bodyObjects(rev);
  } catch (e) {
    if (e instanceof PdfReadError) return [e.message];
    throw e;
  }
  const hidden: string[] = [];
  /** offset → the object number written there */
  const written = new Map<number, number>();
  for (const o of objects) {
    written.set(o.offset, o.num);
    const e = section.entries.get(o.num);
    if (e?.kind !== 'at' || e.offset !== o.offset || e.gen !== o.gen) hidden.push(`object ${o.num} at byte ${o.offset}`);
  }
  const XREF_STREAM = -1;
  // An xref stream is an object of its own revision, whether its section lists it or not.
  if (section.kind === 'stream') written.set(section.offset, XREF_STREAM);
  for (const [num, e] of section.entries) {
    if (e.kind !== 'at') continue;
    const there = written.get(e.offset);
    if (there === XREF_STREAM) continue;
    if (there !== num) {
      problems.push(`the cross-reference of revision ${rev + 1} places object ${num} at byte ${e.offset}, where that revision wrote no such object`);
      continue;
    }
    const v = file.object(rev, num);
    if (!(v instanceof PdfStream) || nameOf(v.dict.get('Type')) !== 'ObjStm') continue;
    file.objectStreamMembers(rev, num).forEach((member, index) => {
      const listed = section.entries.get(member);
      if (listed?.kind !== 'in' || listed.stream !== num || listed.index !== index) hidden.push(`object ${member} in object stream ${num}`);
    });
  }
  if (hidden.length) {
    const listed = hidden.length > 5 ? `${hidden.slice(0, 5).join(', ')} and ${hidden.length - 5} more` : hidden.join(', ');
    problems.unshift(`hidden objects (${listed}): written in this revision, but its cross-reference does not list them there (a reader that repairs the file would show them instead of what was signed)`);
  }
  for (const at of objectHeaders(file.buf, section.start, section.end)) {
    if (!written.has(at)) problems.push(`a hidden object definition at byte ${at}, inside a string, a stream's data or a comment (a reader that repairs the file may take it for an object)`);
  }
  return problems;
}

/**
 * Compares revision `rev` (0-based, at least 1) with the revision before it. `docMdp` is the permission of a
 * certification signature made earlier (null: none): with P=1 nothing but /DSS may change.
 */
export function analyseRevision(file: PdfFile, rev: number, docMdp: number | null): RevisionAnalysis {
  const old = rev - 1;
  const problems = new Set<string>(unlistedObjects(file, rev));
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
  for (const p of unaccountedChanges(file, old, changed, (num) => roles.has(num) || contexts.has(num))) problems.add(p);
  return { revision: rev, problems: [...problems], newlySigned };
}

/**
 * Where each object of the signed revision `rev` stood: the catalog, the page tree, each page by its number, and
 * what /DSS reaches (validation data, which may be replaced).
 */
function placesIn(file: PdfFile, rev: number): Map<number, string> {
  const places = new Map<number, string>();
  const root = file.sections[rev]!.trailer.get('Root');
  if (!(root instanceof PdfRef)) return places;
  places.set(root.num, 'the document catalog');
  const catalog = file.object(rev, root.num, root.gen);
  if (!isDict(catalog)) return places;
  let pageCount = 0;
  const walkTree = (ref: PdfValue | undefined, depth: number) => {
    if (!(ref instanceof PdfRef) || places.has(ref.num) || depth > 32) return;
    const node = file.object(rev, ref.num, ref.gen);
    if (!isDict(node)) return;
    const kids = file.resolve(rev, node.get('Kids'));
    if (nameOf(node.get('Type')) === 'Page' || !Array.isArray(kids)) {
      places.set(ref.num, `page ${++pageCount}`);
      return;
    }
    places.set(ref.num, 'the page tree');
    for (const k of kids) walkTree(k, depth + 1);
  };
  walkTree(catalog.get('Pages'), 0);
  const walkDss = (v: PdfValue | undefined, depth: number): void => {
    if (v === undefined || v === null || depth > 200) return;
    if (v instanceof PdfRef) {
      if (places.has(v.num)) return;
      places.set(v.num, DSS_PLACE);
      walkDss(file.object(rev, v.num, v.gen), depth + 1);
    } else if (Array.isArray(v)) for (const x of v) walkDss(x, depth + 1);
    else if (v instanceof PdfStream) walkDss(v.dict, depth + 1);
    else if (v instanceof PdfDict) for (const x of v.map.values()) walkDss(x, depth + 1);
  };
  walkDss(catalog.get('DSS'), 0);
  return places;
}

const DSS_PLACE = 'the DSS';

/**
 * Objects of the revision before that were deleted, or changed where nothing in the new revision reaches them: no
 * rule above judged them (the roles and contexts come from the new revision), yet the page tree may still name a
 * deleted page, and a reader that repairs the file shows its last written version. Only validation data may go.
 */
function unaccountedChanges(file: PdfFile, old: number, changed: Map<number, 'new' | 'changed'>, judged: (num: number) => boolean): string[] {
  const out: string[] = [];
  let places: Map<number, string> | null = null;
  for (const [num, kind] of changed) {
    if (kind === 'new' || judged(num)) continue;
    places ??= placesIn(file, old);
    const place = places.get(num);
    if (place === DSS_PLACE) continue;
    const what = place ? `${place} (object ${num})` : `object ${num}`;
    out.push(file.object(old + 1, num) === null ? `${what} was deleted` : `${what} was changed, and nothing in the document reaches it any more`);
  }
  return out;
}
