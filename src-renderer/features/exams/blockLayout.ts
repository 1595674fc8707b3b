/**
 * Where the rows of a very long table are, counted in blocks of `blockRows` rows rather than row by row: a block is
 * rendered, measured and dropped as one, so a list of 100,000 rows is a layout of 5,000 sizes, and a measurement
 * recomputes at most that many offsets (not 100,000 entries, as a virtualizer of single rows does).
 *
 * A block not measured yet is estimated at its rows times one row's estimated height. A block measured is its
 * measured height: `setSize` records what the page shows (placeholders included), and with `loaded` what its real
 * rows take, so a block whose rows were forgotten and are being read again can keep its height meanwhile.
 */
export class BlockLayout {
  readonly blockRows: number;
  private rows = 0;
  private rowEstimate: number;
  private sizes = new Float64Array(0);
  private loaded = new Float64Array(0);
  private starts = new Float64Array(1);
  /** The first block whose start is out of date. */
  private dirtyFrom = 0;

  constructor(blockRows: number, rowEstimate: number) {
    this.blockRows = blockRows;
    this.rowEstimate = rowEstimate;
  }

  get rowCount(): number {
    return this.rows;
  }

  get count(): number {
    return Math.ceil(this.rows / this.blockRows);
  }

  get estimate(): number {
    return this.rowEstimate;
  }

  /** The rows of block `b` (the last block may have fewer). */
  rowsIn(b: number): number {
    return Math.max(0, Math.min(this.blockRows, this.rows - b * this.blockRows));
  }

  /** Another number of rows: the blocks that keep their rows keep their sizes. */
  setRows(rows: number): void {
    if (rows === this.rows) return;
    // The full blocks of both keep their rows and their sizes; the last block before and after may have other rows.
    const intact = Math.floor(Math.min(rows, this.rows) / this.blockRows);
    this.rows = rows;
    const count = this.count;
    const sizes = new Float64Array(count).fill(NaN);
    const loaded = new Float64Array(count).fill(NaN);
    sizes.set(this.sizes.subarray(0, intact));
    loaded.set(this.loaded.subarray(0, intact));
    this.sizes = sizes;
    this.loaded = loaded;
    const starts = new Float64Array(count + 1);
    starts.set(this.starts.subarray(0, intact + 1));
    this.starts = starts;
    this.dirtyFrom = Math.min(this.dirtyFrom, intact);
  }

  /** Another estimate of one row (what the blocks not measured take). */
  setRowEstimate(px: number): void {
    if (px === this.rowEstimate || !(px > 0)) return;
    this.rowEstimate = px;
    this.dirtyFrom = 0;
  }

  /** Forgets every measurement (other rows, or another width that wraps them otherwise). */
  clear(): void {
    this.sizes.fill(NaN);
    this.loaded.fill(NaN);
    this.dirtyFrom = 0;
  }

  /** Block `b`'s height: measured, or estimated. */
  size(b: number): number {
    const s = this.sizes[b];
    return s === undefined || Number.isNaN(s) ? this.rowsIn(b) * this.rowEstimate : s;
  }

  /** The height block `b` last took with its rows loaded, or null. */
  loadedSize(b: number): number | null {
    const s = this.loaded[b];
    return s === undefined || Number.isNaN(s) ? null : s;
  }

  /** Records block `b`'s height as shown; returns how much it grew (0 when the same). */
  setSize(b: number, px: number, loaded: boolean): number {
    if (b < 0 || b >= this.count) return 0;
    if (loaded) this.loaded[b] = px;
    const delta = px - this.size(b);
    this.sizes[b] = px;
    if (Math.abs(delta) < 0.01) return 0;
    this.dirtyFrom = Math.min(this.dirtyFrom, b);
    return delta;
  }

  /** Where block `b` starts (b === count: the end of the list). */
  start(b: number): number {
    this.update();
    return this.starts[Math.max(0, Math.min(b, this.count))]!;
  }

  total(): number {
    return this.start(this.count);
  }

  /** The block at offset `px` (the last one past the end). */
  blockAt(px: number): number {
    this.update();
    const count = this.count;
    if (count === 0) return 0;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= px) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The blocks that show [top, top + height], with `overscan` more on either side; null when there are none. */
  range(top: number, height: number, overscan: number): { first: number; last: number } | null {
    const count = this.count;
    if (count === 0) return null;
    const first = this.blockAt(Math.max(0, top));
    const last = this.blockAt(Math.max(0, top + Math.max(0, height) - 1));
    return { first: Math.max(0, first - overscan), last: Math.min(count - 1, last + overscan) };
  }

  private update(): void {
    const count = this.count;
    for (let b = this.dirtyFrom; b < count; b++) this.starts[b + 1] = this.starts[b]! + this.size(b);
    this.dirtyFrom = count;
  }
}
