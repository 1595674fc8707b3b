import { demoPackage, demoRosterCsv } from './generate';

/** The example files shipped in resources/examples/, all from one seed. */
export function exampleFiles(): Record<string, string> {
  const pkg = demoPackage(300);
  const extra = demoPackage(330).roster.slice(300); // 30 more candidates of the same exam
  const withErrors = [
    'nomor_peserta;nik;nama;tanggal_lahir;jenis_kelamin;pendidikan;ipk;kode_formasi;kategori',
    '263374000901;3374011203950001;Agus Salim;12/03/1995;L;S1 Teknik Informatika;3,51;F01;umum',
    '263374000902;33740112039;Bunga Citra;12/03/1995;P;S1 Akuntansi;3,20;F05;umum',
    '263374000903;3374014508960003;Cahyo Nugroho;31/02/1996;L;S1 Akuntansi;3,10;F05;umum',
    '263374000904;3374015509970004;Dina Marlina;15/09/1997;P;S1 Ilmu Pemerintahan;4,20;F02;umum',
    '263374000905;3374011010980005;Eko Prasetyo;10/10/1998;L;S1 Teknik Sipil;3,00;F99;umum',
    '263374000906;3374015011990006;Fitri Handayani;10/11/1999;P;D3 Keperawatan;3,45;F03;veteran',
    '263374000901;3374011111910007;Galih Saputra;11/11/1991;L;S1 Teknik Informatika;3,60;F01;umum',
    '263374000908;;Hana Pertiwi;01/01/1993;P;S1 Pendidikan Matematika;3,70;F04;umum',
  ].join('\r\n') + '\r\n';
  return {
    'cpns-smg-2026.exam.json': JSON.stringify(pkg, null, 2) + '\n',
    'cpns-smg-2026.roster.csv': demoRosterCsv(pkg),
    'cpns-smg-2026.roster-tambahan.csv': demoRosterCsv({ ...pkg, roster: extra }),
    'cpns-smg-2026.roster-salah.csv': withErrors,
  };
}
