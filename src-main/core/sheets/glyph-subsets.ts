/**
 * Font subsets that remember each glyph. Every PDF embeds the subset of the TrueType font it uses, and fontkit's
 * subsetter decodes the whole outline of every glyph it adds (TTFGlyph._decode), in every document, only to learn
 * whether the glyph is a compound one and which glyphs it is made of: in a batch of result sheets that decoding was
 * a tenth of the time. What it learns depends only on the font and the glyph, so it is kept per font and glyph,
 * and the subset's bytes are exactly fontkit's (tests/unit/glyph-subsets.test.ts compares them on random glyph
 * sets). fontkit offers no hook for this: the subset's own `_addGlyph` is replaced, a private method (the library
 * is the bottleneck here), and only for plain TrueType fonts without variations, whose path it is.
 */

interface Component {
  glyphID: number;
  pos: number;
}

/** What a glyph contributes to a subset: its bytes in the glyf table, the glyphs it is made of, its metrics. */
interface GlyphData {
  buffer: Uint8Array;
  components: Component[] | null;
  advance: number;
  bearing: number;
}

/** The parts of fontkit's TTFFont and TTFSubset used here (fontkit ships no types for them). */
interface TtfFont {
  directory: { tables: Record<string, unknown> };
  fvar?: unknown;
  loca: { offsets: number[] };
  getGlyph(gid: number): { advanceWidth: number; _decode(): { numberOfContours: number; components?: Component[] } | null; _getMetrics(): { leftBearing: number } };
  _getTableStream(tag: string): { pos: number; readBuffer(n: number): Uint8Array };
  createSubset(): TtfSubset;
}

interface TtfSubset {
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
  includeGlyph(gid: number): number;
  _addGlyph(gid: number): number;
}

const patched = new WeakSet<object>();

/** fontkit's TTFSubset._addGlyph, with what it reads of each glyph kept in `known`. */
function addGlyph(font: TtfFont, known: Map<number, GlyphData>) {
  return function (this: TtfSubset, gid: number): number {
    let data = known.get(gid);
    if (!data) {
      const glyph = font.getGlyph(gid);
      const glyf = glyph._decode();
      const stream = font._getTableStream('glyf');
      stream.pos += font.loca.offsets[gid]!;
      const buffer = stream.readBuffer(font.loca.offsets[gid + 1]! - font.loca.offsets[gid]!);
      const components = glyf && glyf.numberOfContours < 0 ? (glyf.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos })) : null;
      data = { buffer, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
      known.set(gid, data);
    }
    let buffer = data.buffer;
    // A compound glyph names its parts by their number in the subset: a copy of its own, as fontkit makes.
    if (data.components) {
      buffer = new Uint8Array(data.buffer);
      const view = new DataView(buffer.buffer);
      for (const c of data.components) view.setUint16(c.pos, this.includeGlyph(c.glyphID));
    }
    this.glyf.push(buffer);
    this.loca.offsets.push(this.offset);
    this.hmtx.metrics.push({ advance: data.advance, bearing: data.bearing });
    this.offset += buffer.length;
    return this.glyf.length - 1;
  };
}

/** Makes `font`'s subsets remember glyphs from one document to the next; other fonts are left as they are. */
export function rememberGlyphs(fontObject: unknown): void {
  const font = fontObject as TtfFont;
  if (patched.has(font) || !font.directory?.tables?.glyf || font.directory.tables['CFF '] || font.fvar) return;
  patched.add(font);
  const create = font.createSubset.bind(font);
  const add = addGlyph(font, new Map());
  font.createSubset = () => {
    const subset = create();
    if (typeof subset._addGlyph === 'function') subset._addGlyph = add;
    return subset;
  };
}
