import yauzl from 'yauzl';

/** workbook.xml holds names and settings, not cells: a larger one is no workbook a roster comes in. */
const MAX_WORKBOOK_XML = 16 * 1024 * 1024;

/** `<workbookPr date1904="1">` or `="true"` (both valid xsd:boolean), with or without a namespace prefix. */
const DATE1904 = /<(?:[\w.-]+:)?workbookPr\b[^>]*?\bdate1904\s*=\s*["'](?:1|true)["']/;

/**
 * Whether an XLSX workbook uses the 1904 date system (older Mac Excel; LibreOffice when its document is set so),
 * read from its `xl/workbook.xml`. Only that one entry is inflated.
 */
export async function workbookDate1904(source: string | Buffer): Promise<boolean> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    const done = (err: Error | null, z?: yauzl.ZipFile) => (err || !z ? reject(err ?? new Error('not a zip file')) : resolve(z));
    if (typeof source === 'string') yauzl.open(source, { lazyEntries: true, autoClose: false }, done);
    else yauzl.fromBuffer(source, { lazyEntries: true }, done);
  });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', () => resolve(false));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'xl/workbook.xml') return zip.readEntry();
        if (entry.uncompressedSize > MAX_WORKBOOK_XML) return reject(new Error('xl/workbook.xml is too large'));
        zip.openReadStream(entry, (err, stream) => {
          if (err || !stream) return reject(err ?? new Error('cannot read xl/workbook.xml'));
          const parts: Buffer[] = [];
          stream.on('data', (b: Buffer) => parts.push(b));
          stream.on('error', reject);
          stream.on('end', () => resolve(DATE1904.test(Buffer.concat(parts).toString('utf8'))));
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
