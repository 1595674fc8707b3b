/**
 * The committee's commands at the hub (docs/publication.md): tokens (`hub komite`), objections (`sanggah`) and
 * public reports (`laporan`). They work on the hub's database directly (run them on the hub's machine), audit every
 * answer, and rewrite HUB/site afterwards, as the hub does after an answer sent over HTTP.
 */
import { Option, type Command } from 'commander';
import { join, resolve } from 'node:path';
import type { Publisher } from '../../core/publish/publisher';
import { isLenteraError } from '../../core/util/errors';
import { EXIT, type CliIo } from '../io';
import { CliExit } from '../workstation';
import { hubDataOption, hubDbOption, hubStore } from '../options';


function refuse(io: CliIo, e: unknown): never {
  if (isLenteraError(e)) {
    io.err(`lentera: ${e.code}: ${e.message}`);
    throw new CliExit(EXIT.FAILED);
  }
  throw e;
}

/**
 * Text from the public shown on a terminal, a field of one line: no escape sequence, other control character or line
 * break gets through (each is "?"). A reporter's contact with a line break in it printed a line of its own, passing
 * for another report or an answer in this listing (found by review).
 */
// eslint-disable-next-line no-control-regex
const plain = (s: string | null | undefined) => (s ?? '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
/** A text of several lines, each after the first indented under its entry, so that none starts a line of the listing. */
const indent = (s: string) =>
  s
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .split('\n')
    .map(plain)
    .join('\n      ');

async function withHub<T>(io: CliIo, o: { data: string; db?: string }, fn: (p: Publisher) => Promise<T> | T): Promise<T> {
  const { Publisher } = await import('../../core/publish/publisher');
  const p = Publisher.open(resolve(o.data), hubStore(io, o));
  try {
    return await fn(p);
  } catch (e) {
    refuse(io, e);
  } finally {
    p.close();
  }
}

/** After an answer: the site shows it (the hub's next rewrite would too). */
async function rewrite(io: CliIo, p: Publisher, dir: string): Promise<void> {
  const site = join(resolve(dir), 'site');
  const w = await p.writeSite(site, new Date().toISOString());
  io.out(`site rewritten: ${site} (${w.files} files)`);
}

export function registerVoiceCommands(program: Command, io: CliIo): void {
  const hub = program.commands.find((c) => c.name() === 'hub');
  if (hub) {
    const komite = hub
      .command('komite')
      .description('committee tokens at the hub: panitia answers objections and reports, pengamat reads them all, tempat files objections for a venue');
    komite
      .command('add')
      .description('add a committee member; prints their token once (only its sha256 is kept)')
      .addOption(hubDataOption())
      .addOption(hubDbOption())
      .requiredOption('--name <name>', 'who holds the token (shown as filed_by / answered_by)')
      .addOption(new Option('--role <role>', 'panitia (answers), pengamat (reads everything: Ombudsman, inspectorate) or tempat (a venue workstation)').choices(['panitia', 'pengamat', 'tempat']).makeOptionMandatory(true))
      .option('--exam <code>', "an exam the token is good for (repeat for several); without it, every exam of this hub. On a hub of several agencies, give each agency's committee its own exams", (v: string, prev: string[] = []) => [...prev, v])
      .action((o: { data: string; db?: string; name: string; role: string; exam?: string[] }) =>
        withHub(io, o, async (p) => {
          const { addCommitteeMember } = await import('../../core/publish/committee');
          const m = addCommitteeMember(p.db, { name: o.name, role: o.role, ...(o.exam ? { exams: o.exam } : {}) }, new Date().toISOString(), `cli:${io.osUser}`);
          io.out(`added ${plain(m.name)} (${m.role}), id ${m.id}, for ${m.exams ? `exams ${m.exams.map(plain).join(', ')}` : 'every exam of this hub'}`);
          io.out(`token (shown only now; give it to ${plain(m.name)} over a safe channel):`);
          io.out(m.token);
        }),
      );
    komite
      .command('list')
      .description('list committee members: id, role, name, exams, added, revoked')
      .addOption(hubDataOption())
      .addOption(hubDbOption())
      .action((o: { data: string; db?: string }) =>
        withHub(io, o, async (p) => {
          const { listCommittee } = await import('../../core/publish/committee');
          const all = listCommittee(p.db);
          if (!all.length) return io.out('no committee members yet (add one with `lentera hub komite add`)');
          for (const m of all) io.out(`${m.id}  ${m.role.padEnd(8)}  ${plain(m.name)}  ${m.exams ? m.exams.map(plain).join(',') : 'every exam'}  added ${m.createdAt}${m.revokedAt ? `  REVOKED ${m.revokedAt}` : ''}`);
        }),
      );
    komite
      .command('revoke')
      .description("revoke a member's token(s): by --name (every active one) or by --id (as `list` shows it)")
      .addOption(hubDataOption())
      .addOption(hubDbOption())
      .option('--name <name>', 'the member')
      .option('--id <id>', 'the token id (8+ hex digits)')
      .action((o: { data: string; db?: string; name?: string; id?: string }) =>
        withHub(io, o, async (p) => {
          const { revokeCommitteeMember } = await import('../../core/publish/committee');
          const gone = revokeCommitteeMember(p.db, { ...(o.name !== undefined ? { name: o.name } : {}), ...(o.id !== undefined ? { id: o.id } : {}) }, new Date().toISOString(), `cli:${io.osUser}`);
          for (const m of gone) io.out(`revoked ${m.id} ${plain(m.name)} (${m.role})`);
        }),
      );
    // Three levels down: a usage error here must end in CliExit too, never process.exit.
    for (const c of komite.commands) c.exitOverride();
  }

  const sanggah = program.command('sanggah').description("candidates' objections at the hub: list them, answer them (each answer is logged and published)");
  sanggah
    .command('list')
    .description('list objections with candidate number and text (for the committee only)')
    .addOption(hubDataOption())
      .addOption(hubDbOption())
    .option('--exam <code>', 'of one exam')
    .option('--status <status>', 'only diajukan, diterima or ditolak')
    .option('--json', 'as JSON')
    .action((o: { data: string; db?: string; exam?: string; status?: string; json?: boolean }) =>
      withHub(io, o, async (p) => {
        const { listObjections } = await import('../../core/publish/objections');
        const all = listObjections(p.db, o.exam).filter((s) => !o.status || s.status === o.status);
        if (o.json) return io.out(JSON.stringify(all, null, 2));
        if (!all.length) return io.out('no objections');
        for (const s of all) {
          io.out(`${s.id}  ${s.status.padEnd(8)}  ${plain(s.exam)}  ${plain(s.stage)}  nomor ${plain(s.nomor)}  filed ${s.filedAt} (${s.channel}, ${plain(s.filedBy)})  leaf ${s.filedLeaf}`);
          io.out(`      ${indent(s.text)}`);
          if (s.answer !== null) io.out(`      answered ${s.answeredAt ?? ''} by ${plain(s.answeredBy)} (leaf ${s.answerLeaf ?? '?'}): ${indent(s.answer)}`);
        }
      }),
    );
  sanggah
    .command('answer <id>')
    .description('answer an objection once: diterima (the correction then goes through the amendment process at the venue) or ditolak, with the reasons; published in full')
    .addOption(hubDataOption())
      .addOption(hubDbOption())
    .addOption(new Option('--decision <decision>', 'diterima or ditolak').choices(['diterima', 'ditolak']).makeOptionMandatory(true))
    .requiredOption('--answer <text>', 'the reasoned answer (10–4000 characters; no candidate number, NIK, phone or email: it is published)')
    .option('--by <name>', 'who answers (default: the OS user)')
    .action((id: string, o: { data: string; db?: string; decision: string; answer: string; by?: string }) =>
      withHub(io, o, async (p) => {
        const { answerObjection } = await import('../../core/publish/objections');
        const by = o.by ?? io.osUser;
        const r = answerObjection(p, id, { decision: o.decision, answer: o.answer }, { at: new Date().toISOString(), by, actor: `cli:${io.osUser}` });
        io.out(`${r.sanggah.id} answered: ${r.sanggah.status}; logged as leaf ${r.proof.index} (checkpoint size ${r.proof.checkpoint.size})`);
        await rewrite(io, p, o.data);
      }),
    );

  const laporan = program.command('laporan').description('public reports at the hub: list them (with contact), answer them (each answer is logged and published)');
  laporan
    .command('list')
    .description('list reports with the text as sent and the contact (for the committee and observers only)')
    .addOption(hubDataOption())
      .addOption(hubDbOption())
    .option('--exam <code>', 'of one exam')
    .option('--status <status>', 'only diterima, ditelaah, ditindaklanjuti or ditolak')
    .option('--json', 'as JSON')
    .action((o: { data: string; db?: string; exam?: string; status?: string; json?: boolean }) =>
      withHub(io, o, async (p) => {
        const { listReports } = await import('../../core/publish/reports');
        const all = listReports(p.db, o.exam).filter((r) => !o.status || r.status === o.status);
        if (o.json) return io.out(JSON.stringify(all, null, 2));
        if (!all.length) return io.out('no reports');
        for (const r of all) {
          io.out(`${r.id}  ${r.status.padEnd(15)}  ${plain(r.exam)}  ${r.category}  filed ${r.filedAt}  leaf ${r.filedLeaf}${r.contact ? `  contact: ${plain(r.contact)}` : ''}`);
          io.out(`      ${indent(r.body)}`);
          for (const a of r.answers) io.out(`      ${a.status} ${a.answeredAt} (leaf ${a.leaf}): ${indent(a.answer)}`);
        }
      }),
    );
  laporan
    .command('answer <id>')
    .description('answer a report: ditelaah (under review), ditindaklanjuti (followed up) or ditolak (rejected, closes it); may be answered again as it moves on')
    .addOption(hubDataOption())
      .addOption(hubDbOption())
    .addOption(new Option('--status <status>', 'ditelaah, ditindaklanjuti or ditolak').choices(['ditelaah', 'ditindaklanjuti', 'ditolak']).makeOptionMandatory(true))
    .requiredOption('--answer <text>', 'the answer (10–4000 characters; published: no personal data)')
    .option('--by <name>', 'who answers (default: the OS user)')
    .action((id: string, o: { data: string; db?: string; status: string; answer: string; by?: string }) =>
      withHub(io, o, async (p) => {
        const { answerReport } = await import('../../core/publish/reports');
        const by = o.by ?? io.osUser;
        const r = answerReport(p, id, { status: o.status, answer: o.answer }, { at: new Date().toISOString(), by, actor: `cli:${io.osUser}` });
        io.out(`${r.laporan.id}: ${r.laporan.status}; logged as leaf ${r.proof.index} (checkpoint size ${r.proof.checkpoint.size})`);
        await rewrite(io, p, o.data);
      }),
    );
}
