import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src-main/api/commands';
import type { Command } from '../../src-main/api/registry';
import { ROLES } from '../../src-main/core/accounts/roles';
import { addUser, login, tempDir } from '../unit/helpers';
import { EXAM, local, PIN, venue } from '../unit/venue';
import { pathLikeFields, SAMPLE_INPUTS, type WalkFixture } from './registry-walk';

/** Rules that must hold for every command of the registry, walked from the table itself. */

const inputSchema = (c: Command) => z.toJSONSchema(c.input, { io: 'input', unrepresentable: 'any' }) as Parameters<typeof pathLikeFields>[0];

describe('the command table', () => {
  it('has a sample input for every command (so every generated test below covers it), and none for a command that is gone', () => {
    const names: string[] = allCommands.map((c) => c.name).sort();
    expect(names.filter((n) => !SAMPLE_INPUTS[n])).toEqual([]);
    expect(Object.keys(SAMPLE_INPUTS).filter((n) => !names.includes(n))).toEqual([]);
  });

  it('no schema a remote door (HTTP, the window) can reach has a path-like field: paths are for the command line only', () => {
    const found = allCommands.flatMap((c) => pathLikeFields(inputSchema(c)).map((p) => `${c.name} ${p}`));
    expect(found).toEqual([]);
    // The walker itself finds what it must.
    expect(pathLikeFields(inputSchema({ input: z.object({ copyTo: z.string().optional(), file: z.union([z.object({ path: z.string() }), z.object({ uploadId: z.string() })]) }) } as unknown as Command))).toEqual(['(input).copyTo', '(input).file.path']);
  });

  it('every command that checks a PIN or key passphrase is under the per-client limit', () => {
    // These take a *new* secret (someone's new PIN, a new key's passphrase): nothing to guess.
    const setsNewSecret = new Set(['accounts.create', 'accounts.resetPin', 'keys.generate', 'keys.import']);
    const carries = allCommands.filter((c) => {
      const props = Object.keys(inputSchema(c).properties ?? {});
      return props.some((p) => /^(pin|currentPin|passphrase)$/.test(p)) && !setsNewSecret.has(c.name);
    });
    expect(carries.length).toBeGreaterThan(4);
    expect(carries.filter((c) => !c.checksSecret).map((c) => c.name)).toEqual([]);
  });
});

describe('generated over every command', () => {
  it('a path sent by a remote caller reaches no file: a file reference must be an upload, and path fields are not taken', async () => {
    const { app, tokens } = await venue();
    const coord = { token: tokens.koordinator!, client: 't' };
    const outside = join(tempDir(), 'usb');
    const r = await app.invokeAsync('exams.import', { file: { path: '/etc/passwd' } }, coord);
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await app.invokeAsync('bundle.export', { exam: EXAM, passphrase: 'x', copyTo: outside, out: join(outside, 'b.lentera'), pdfDir: outside }, coord);
    expect(existsSync(outside)).toBe(false);
    // The command line (the data folder's owner) still may.
    const cli = await app.invokeAsync('bundle.verify', { file: { path: '/etc/hostname' } }, local);
    expect(cli.ok ? 'ok' : cli.error.code).not.toBe('INVALID_INPUT');
  });

  it('every command refuses every role it does not name (FORBIDDEN, audited, nothing else changed), and a stranger where it needs a login', async () => {
    const { app, tokens, f01 } = await venue();
    addUser(app, 'pengawas', 'observer', PIN);
    const byRole: Record<string, string> = { coordinator: tokens.koordinator!, chair: tokens.ketua1!, examiner: tokens.penguji1!, clerk: tokens.petugas1!, observer: login(app, 'pengawas', PIN) };
    const f: WalkFixture = { exam: EXAM, session: 'WWC-F01', nomor: f01[0]!, paperStage: 'TULIS', uploadId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b' };
    const db = app.workstation!.db;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_events')").pluck().all() as string[];
    const state = () => tables.map((t) => db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get()).join(',');
    let checked = 0;
    for (const c of allCommands) {
      for (const input of SAMPLE_INPUTS[c.name]!(f)) {
        if (Array.isArray(c.access)) {
          for (const role of ROLES.filter((r) => !(c.access as readonly string[]).includes(r))) {
            const before = state();
            const events = db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get() as number;
            const r = await app.invokeAsync(c.name, input, { token: byRole[role], client: `walk-${role}` });
            expect({ command: c.name, role, code: r.ok ? 'ok' : r.error.code }).toEqual({ command: c.name, role, code: 'FORBIDDEN' });
            expect(state()).toBe(before);
            expect(db.prepare('SELECT COUNT(*) FROM audit_events').pluck().get()).toBe(events + 1);
            checked++;
          }
        }
        if (c.access !== 'public') {
          const r = await app.invokeAsync(c.name, input, { client: 'stranger' });
          expect({ command: c.name, code: r.ok ? 'ok' : r.error.code }).toEqual({ command: c.name, code: 'UNAUTHENTICATED' });
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 60_000);
});
