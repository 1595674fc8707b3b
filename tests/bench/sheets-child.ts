// Renders (and signs) `count` result sheets of the real layout in this process; prints a JSON line with the
// time and the resident memory at each quarter, so flat memory shows as flat numbers.
import { webcrypto } from 'node:crypto';
import { makeLocalCertificate } from '../../src-main/core/keys/identities';
import { RSA_SHA256 } from '../../src-main/core/keys/pki';
import { renderResultSheet, type SheetData } from '../../src-main/core/sheets/result-sheet';
import { signPdf } from '../../src-main/core/sheets/sign';

const [mode, countText] = process.argv.slice(2) as [string, string];
const count = Number(countText);
const made = await makeLocalCertificate({ displayName: 'Sri Wahyuni, S.Sos.', nip: '197805122005012003' }, 'Pemerintah Kota Semarang', new Date().toISOString());
const privateKey = await webcrypto.subtle.importKey('pkcs8', made.key.export({ type: 'pkcs8', format: 'der' }), RSA_SHA256, false, ['sign']);
const id = { privateKey, certDer: made.certDer };
const base: SheetData = {
  agency: 'Pemerintah Kota Semarang',
  exam: { code: 'CPNS-SMG-2026', name: 'Seleksi CPNS Pemerintah Kota Semarang Tahun Anggaran 2026', year: 2026 },
  formation: { code: 'F01', position: 'Pranata Komputer Ahli Pertama', unit: 'Dinas Komunikasi, Informatika, Statistik dan Persandian', quota: 3 },
  candidate: { nomorPeserta: '', nama: 'Sri Rina Susanto', nikMasked: '337404********61', kategori: 'umum' },
  result: { nomor_peserta: '', kode_formasi: 'F01', kategori: 'umum', components: { twk: '100', tiu: '120', tkp: '201' }, stages: { 'SKB-CAT': '79', 'SKB-WWC': '80.667' }, skd_total: '421', thresholds: [{ rule: 'TWK ≥ 65', pass: true, reason: 'TWK 100 ≥ 65' }, { rule: 'TIU ≥ 80', pass: true, reason: 'TIU 120 ≥ 80' }, { rule: 'TKP ≥ 166', pass: true, reason: 'TKP 201 ≥ 166' }], skb: '79.667', final: '78.418', final_exact: '43130/550', rank: 1, status: 'P/L', reason: 'peringkat 1 dari kebutuhan 3', decided_by: null },
  stageNames: { 'SKB-CAT': 'Seleksi Kompetensi Bidang (CAT)', 'SKB-WWC': 'Seleksi Kompetensi Bidang (Wawancara)' },
  ruleset: { id: 'cpns-2024', version: '2024.1', sha256: 'a'.repeat(64) },
  chainHead: { seq: 1234, hash: 'b'.repeat(64) },
  generatedAt: new Date('2026-12-03T09:00:00+07:00'),
  signer: { name: 'Sri Wahyuni, S.Sos.', certified: false },
};
const rss: number[] = [];
const t0 = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
  const nomor = `2633740${String(i).padStart(5, '0')}`;
  const pdf = await renderResultSheet({ ...base, candidate: { ...base.candidate, nomorPeserta: nomor }, result: { ...base.result, nomor_peserta: nomor } });
  if (mode === 'signed') await signPdf(pdf, id, { reason: 'Lembar Hasil Seleksi', name: 'Sri Wahyuni', location: 'Semarang' });
  if ((i + 1) % Math.ceil(count / 4) === 0) rss.push(Math.round(process.memoryUsage().rss / 1048576));
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(JSON.stringify({ ms, count, rss, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
