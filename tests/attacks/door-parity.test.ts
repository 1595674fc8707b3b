import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { allCommands } from '../../src-main/api/commands';
import type { DoorTarget } from '../../src-main/api/door';
import type { Result } from '../../src-main/api/result';
import { registerIpc } from '../../src-main/electron/ipc';
import { createHttpServer, listen } from '../../src-main/server/http';
import { asyncOnly, FakeContents, FakeIpcMain, ipcCall, uploadThrough } from '../unit/doors';
import { ADMIN, ManualClock, tempDir } from '../unit/helpers';
import { EXAM, testPackage, venue } from '../unit/venue';
import { SAMPLE_INPUTS, type WalkFixture } from './registry-walk';
import { PdfFile } from '../../src-main/core/sheets/pdf-structure';
import { pageTexts } from '../../src-main/core/sheets/pdf-text';
import { firstDifference, normaliseAnswer, workbookRows } from './answers';

/**
 * The desktop window (IPC door) and a browser on the LAN (HTTP door) must get the same answer to the same call by
 * the same account. Every command of the registry table is walked, with the sample inputs of registry-walk.ts,
 * so a command added later is covered as soon as it has its sample (registry-rules.test.ts requires one).
 *
 * Why the answers are comparable: two workstations are copied from the same closed data folder (same bytes, same
 * accounts, same exam) and share one hand-moved clock; each is reached by one door only and both are walked in
 * the same order with the same inputs, so they go through the same states. What still differs between any two
 * runs is random by design: ids (uuids), tokens, salts, the key made during the walk (its fingerprint and
 * certificate), and the reference of a logged error.
 * Those are normalised away, and nothing else, with one door difference: the IPC door keeps the session token of
 * a login in the main process and gives the page the rest of the answer (see electron/ipc.ts).
 */

/** Commands the app answers above the registry (before and instead of a workstation): walked too. */
const APP_COMMANDS: Record<string, unknown> = {
  'workstation.init': { adminName: 'koordinator', pin: ADMIN.pin },
  'workstation.demo': {},
  'workstation.unlock': { passphrase: 'kuda lumping semarang 2026' },
};

const SENTINEL = '00000000-0000-4000-8000-000000000000';

/** A file answer compared by what it says: an XLSX carries its own creation time in its bytes. */
async function readable(r: Result): Promise<unknown> {
  const v = r.ok ? (r.value as { dataBase64?: unknown; mime?: string }) : undefined;
  // A printed PDF compresses what it says, the audit chain head included: compared by its pages' text.
  if (typeof v?.dataBase64 === 'string' && v.mime === 'application/pdf') return normaliseAnswer({ ...r, value: { ...v, dataBase64: pageTexts(new PdfFile(Buffer.from(v.dataBase64, 'base64'))) } });
  if (typeof v?.dataBase64 !== 'string' || !v.mime?.includes('spreadsheetml')) return normaliseAnswer(r);
  return normaliseAnswer({ ...r, value: { ...v, dataBase64: await workbookRows(Buffer.from(v.dataBase64, 'base64')) } });
}

/** What each sample file name is sent as: real files where the command can then succeed. */
function uploadContent(name: string, skdCandidate: string): Buffer {
  const examples = join('resources', 'examples');
  if (name.endsWith('.json')) return readFileSync(join(examples, 'cpns-smg-2026.exam.json'));
  if (name === 'skd.csv') return Buffer.from(`nomor_peserta;twk;tiu;tkp\n${skdCandidate};85;90;170\n`);
  if (name.endsWith('.csv')) return readFileSync(join(examples, 'cpns-smg-2026.roster-tambahan.csv'));
  return Buffer.from(`not a real ${name}\n`);
}

/** The `name` beside the sentinel upload id in a sample input, if it has one. */
function uploadName(input: unknown): string | null {
  if (!input || typeof input !== 'object') return null;
  const o = input as Record<string, unknown>;
  if (o.uploadId === SENTINEL) return String(o.name);
  for (const v of Object.values(o)) {
    const n = uploadName(v);
    if (n) return n;
  }
  return null;
}

interface Door {
  call(command: string, input: unknown): Promise<Result>;
  login(): Promise<Result>;
  /** Names of the commands that reached this door's workstation, and what the door reached for besides. */
  target: DoorTarget & { reached: string[] };
  received: Set<string>;
}

let servers: Server[] = [];
afterEach(() => {
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
  servers = [];
});

/** The workstation behind a door as a door may see it, noting which commands arrive. */
function doorTarget(app: LenteraApp): { target: DoorTarget & { reached: string[] }; received: Set<string> } {
  const received = new Set<string>();
  const target = asyncOnly({
    invokeAsync: (name, input, auth) => {
      received.add(name);
      return app.invokeAsync(name, input, auth);
    },
    events: app.events,
  });
  return { target, received };
}

function ipcDoor(app: LenteraApp): Door {
  const { target, received } = doorTarget(app);
  const ipc = new FakeIpcMain();
  const window = new FakeContents(1);
  registerIpc(ipc, target, () => [window]);
  const call = (command: string, input: unknown) => ipcCall(ipc, window, command, input);
  return { call, login: () => call('accounts.login', ADMIN), target, received };
}

async function httpDoor(app: LenteraApp): Promise<Door> {
  const { target, received } = doorTarget(app);
  const renderer = tempDir();
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lentera</title>');
  const server = createHttpServer({ app: target, host: '127.0.0.1', port: 0, rendererDir: renderer, log: () => undefined });
  servers.push(server);
  const { port } = await listen(server, '127.0.0.1', 0);
  let token: string | undefined;
  const call = async (command: string, input: unknown): Promise<Result> => {
    const res = await fetch(`http://127.0.0.1:${port}/api/${encodeURIComponent(command)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { 'x-lentera-session': token } : {}) },
      body: JSON.stringify(input),
    });
    return (await res.json()) as Result;
  };
  const login = async () => {
    const r = await call('accounts.login', ADMIN);
    if (!r.ok) return r;
    const { token: t, ...rest } = r.value as { token: string };
    token = t;
    // The one answer that differs by design: the IPC door keeps this token in the main process.
    return { ok: true as const, value: rest };
  };
  return { call, login, target, received };
}

async function worlds() {
  const clock = new ManualClock();
  const { app, f01, present } = await venue({ clock });
  present(f01[0]!);
  const dir = app.workstation!.dir;
  app.close(); // checkpoints the WAL: both copies start from the same bytes
  const open = (name: string) => {
    const copy = join(tempDir(), name);
    cpSync(dir, copy, { recursive: true });
    return new LenteraApp({ dataDir: copy, clock });
  };
  const a = open('ipc');
  const b = open('http');
  return { ipc: ipcDoor(a), http: await httpDoor(b), apps: [a, b], nomor: f01[0]! };
}

describe('the IPC door and the HTTP door give the same answers', () => {
  it('for every command of the registry, called by the coordinator with the same inputs', async () => {
    const { ipc, http, apps, nomor } = await worlds();
    const skd = testPackage().pkg.sessions.find((s) => s.code === 'SKD-1')!.candidates[0]!;
    const differ: string[] = [];
    const internal: string[] = [];
    const missing: string[] = [];
    let compared = 0;
    let bothOk = 0;

    const compare = async (what: string, a: Result, b: Result) => {
      compared++;
      if (a.ok && b.ok) bothOk++;
      for (const [door, r] of [['ipc', a], ['http', b]] as const) {
        if (!r.ok && r.error.code === 'INTERNAL') internal.push(`${door} ${what}: ${r.error.message}`);
      }
      const where = firstDifference(await readable(a), await readable(b));
      if (where) differ.push(`${what} at ${where}`);
    };
    await compare('accounts.login (setup)', await ipc.login(), await http.login());

    for (const command of allCommands) {
      const sample = SAMPLE_INPUTS[command.name];
      if (!sample) {
        missing.push(command.name);
        continue;
      }
      const fixture = (uploadId: string): WalkFixture => ({ exam: EXAM, session: 'WWC-F01', nomor, paperStage: 'TULIS', uploadId });
      const inputs = sample(fixture(SENTINEL));
      for (let i = 0; i < inputs.length; i++) {
        // A file goes up through the door that uses it, as the window and the browser send it.
        const file = uploadName(inputs[i]);
        const inputFor = async (door: Door) => (file ? sample(fixture(await uploadThrough(door.call, uploadContent(file, skd))))[i] : inputs[i]);
        const a = await ipc.call(command.name, await inputFor(ipc));
        const b = await http.call(command.name, await inputFor(http));
        await compare(`${command.name} ${JSON.stringify(inputs[i])}`, a, b);
      }
      // The walk goes on as the coordinator: a command that ended the session is followed by a new login.
      if (command.name === 'accounts.logout') await compare('accounts.login (again)', await ipc.login(), await http.login());
    }
    for (const [name, input] of Object.entries(APP_COMMANDS)) await compare(name, await ipc.call(name, input), await http.call(name, input));

    expect(missing).toEqual([]);
    expect(internal).toEqual([]);
    expect(differ).toEqual([]);
    // Every command of the table reached the workstation through each door, and neither door used anything but
    // the asynchronous entry (a door calling the synchronous `invoke` would be recorded in `reached`).
    const names = [...allCommands.map((c) => c.name), ...Object.keys(APP_COMMANDS)].sort();
    expect([...ipc.received].sort()).toEqual(names);
    expect([...http.received].sort()).toEqual(names);
    expect(ipc.target.reached).toEqual([]);
    expect(http.target.reached).toEqual([]);
    expect(compared).toBeGreaterThan(allCommands.length);
    // Most answers are real answers, not the same refusal twice (a walk that lost its session would be).
    expect(bothOk).toBeGreaterThan(40);
    // The walk did real work through both doors: a file was read and imported, the same way on both sides.
    for (const app of apps) {
      const rows = app.workstation!.db.prepare("SELECT command, outcome FROM audit_events WHERE command IN ('roster.import', 'scores.import') ORDER BY seq").all();
      expect(rows).toEqual([
        { command: 'roster.import', outcome: 'ok' },
        { command: 'scores.import', outcome: 'ok' },
      ]);
    }
    for (const app of apps) app.close();
  }, 120_000);
});
