import yauzl from 'yauzl';

/** Every entry of a zip file (a bundle), read whole: for tests that look inside. */
export async function readZip(file: string): Promise<[string, Buffer][]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const out: [string, Buffer][] = [];
  for await (const e of zip.eachEntry()) {
    const s = await zip.openReadStreamPromise(e);
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    out.push([e.fileName, Buffer.concat(chunks)]);
  }
  zip.close();
  return out;
}
