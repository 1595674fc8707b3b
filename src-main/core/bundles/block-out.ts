/**
 * Bytes and text gathered into one block, handed to `out` whenever it fills and on `flush`: a scratch file of a few
 * hundred thousand records written a block at a time, each record encoded straight into it (joining the lines into
 * a text first cost the export 2.3 s at 100,000 candidates). A piece larger than the block is handed over on its own,
 * after what came before it. `out` gets a view of the block, valid until it returns.
 */
export class BlockOut {
  private readonly block: Buffer;
  private used = 0;

  constructor(
    size: number,
    private readonly out: (bytes: Buffer) => void,
  ) {
    this.block = Buffer.allocUnsafe(size);
  }

  byte(b: number): void {
    if (this.used === this.block.length) this.flush();
    this.block[this.used++] = b;
  }

  text(s: string): void {
    // At most 3 bytes per UTF-16 unit: a text's room before it is encoded.
    const room = s.length * 3;
    if (this.used + room > this.block.length) this.flush();
    if (room > this.block.length) this.out(Buffer.from(s, 'utf8'));
    else this.used += this.block.write(s, this.used);
  }

  bytes(data: Buffer, start: number, end: number): void {
    if (this.used + end - start > this.block.length) this.flush();
    if (end - start > this.block.length) this.out(data.subarray(start, end));
    else this.used += data.copy(this.block, this.used, start, end);
  }

  flush(): void {
    if (this.used === 0) return;
    this.out(this.block.subarray(0, this.used));
    this.used = 0;
  }
}
