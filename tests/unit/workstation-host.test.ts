import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import type { DoorTarget } from '../../src-main/api/door';
import type { LiveEvent } from '../../src-main/api/events';
import type { Result } from '../../src-main/api/result';
import { demoPackage, demoRosterCsv } from '../../src-main/core/demo/generate';
import { WorkstationHost, type WorkstationOptions } from '../../src-main/host/workstation-host';
import { registerIpc } from '../../src-main/electron/ipc';
import { createHttpServer, listen } from '../../src-main/server/http';
import { FakeContents, FakeIpcMain, ipcCall, uploadThrough } from './doors';
import { ADMIN, countRows, tempDir } from './helpers';

/** A real workstation on disk, made in-process and closed, for a host to open in its worker. */
function workstationDir(): string {
  const dataDir = join(tempDir('lentera-host-'), 'ws');
  const app = new LenteraApp({ dataDir, allowInit: true });
  const r = app.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, { local: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  app.close();
  return dataDir;
}

async function host(opts: WorkstationOptions, onStopped?: (reason: string) => void): Promise<WorkstationHost> {
  const h = await WorkstationHost.start(opts, { onStopped });
  onTestFinished(() => h.close());
  return h;
}

async function loggedIn(h: WorkstationHost): Promise<(name: string, input?: unknown) => Promise<Result>> {
  const r = await h.invokeAsync('accounts.login', ADMIN, { client: 'test' });
  if (!r.ok) throw new Error(r.error.message);
  const token = (r.value as { token: string }).token;
  return (name, input = {}) => h.invokeAsync(name, input, { token, client: 'test' });
}

describe('WorkstationHost: the workstation in a worker thread', () => {
  it('answers commands through the worker: login, an exam import from an uploaded file, refusals', async () => {
    const h = await host({ dataDir: workstationDir(), owner: { door: 'test' } });
    const events: LiveEvent[] = [];
    h.events.subscribe((e) => events.push(e));
    expect(await h.invokeAsync('accounts.login', { name: ADMIN.name, pin: '000000' }, { client: 'test' })).toMatchObject({ ok: false, error: { code: 'LOGIN_FAILED' } });
    expect(await h.invokeAsync('accounts.me', {}, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    const call = await loggedIn(h);
    expect(await call('accounts.me')).toMatchObject({ ok: true, value: { name: 'koordinator', role: 'coordinator' } });

    const id = await uploadThrough(call, readFileSync(join('resources', 'examples', 'cpns-smg-2026.exam.json')));
    const imported = await call('exams.import', { file: { uploadId: id, name: 'cpns-smg-2026.exam.json' } });
    expect(imported).toMatchObject({ ok: true });
    expect(await call('exams.list')).toMatchObject({ ok: true, value: [expect.objectContaining({ code: 'CPNS-SMG-2026' })] });
    // The upload was used once: the worker removed it, as the in-process app does.
    expect(await call('exams.import', { file: { uploadId: id, name: 'x.json' } })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The worker's events reach this thread: every audited command moved the chain head.
    const heads = events.filter((e) => e.type === 'audit.head').map((e) => (e.data as { seq: number }).seq);
    expect(heads.length).toBeGreaterThanOrEqual(3);
    expect(heads).toEqual([...heads].sort((a, b) => a - b));
    expect(events.some((e) => e.type === 'exams.changed')).toBe(true);

    // The HTTP door stands in front of a host as well: its health check goes through the asynchronous entry.
    const server = createHttpServer({ app: h, host: '127.0.0.1', port: 0, rendererDir: tempDir(), log: () => undefined });
    onTestFinished(() => void server.close());
    const { port } = await listen(server, '127.0.0.1', 0);
    expect(await (await fetch(`http://127.0.0.1:${port}/api/health`)).json()).toEqual({ ok: true, version: expect.any(String), schemaVersion: expect.any(Number) });
  });

  it('passes no `local` principal from a door: what acts as the command line stays out of the worker', async () => {
    const h = await host({ dataDir: workstationDir() });
    const smuggled = { local: 'attacker' } as unknown as { token?: string };
    expect(await h.invokeAsync('accounts.list', {}, smuggled)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses to start on a folder that is not a workstation, and beside another owner, with their own codes', async () => {
    await expect(WorkstationHost.start({ dataDir: join(tempDir(), 'nothing-here') })).rejects.toMatchObject({ code: 'NOT_A_WORKSTATION' });
    const dataDir = workstationDir();
    await host({ dataDir, owner: { door: 'desktop' } });
    await expect(WorkstationHost.start({ dataDir, owner: { door: 'desktop' } })).rejects.toMatchObject({ code: 'WORKSTATION_IN_USE', message: expect.stringMatching(/desktop/) });
  });

  it('a killed worker answers its pending calls with a readable INTERNAL result, and every later call at once', async () => {
    const dataDir = workstationDir();
    const stopped: string[] = [];
    const h = await host({ dataDir, owner: { door: 'test' } }, (reason) => stopped.push(reason));
    const call = await loggedIn(h);
    const pkg = demoPackage(30_000, 7);
    const exam = await uploadThrough(call, Buffer.from(JSON.stringify({ ...pkg, sessions: [], roster: [] })));
    expect(await call('exams.import', { file: { uploadId: exam, name: 'exam.json' } })).toMatchObject({ ok: true });
    const roster = await uploadThrough(call, Buffer.from(demoRosterCsv(pkg)));
    // Only the import is sure to be pending when the worker dies: a quick call sent beside it may be answered while
    // the import still parses its file, before the transaction.
    const pending = [call('roster.import', { exam: 'CPNS-SMG-2026', file: { uploadId: roster, name: 'peserta.csv' } })];
    await new Promise((r) => setTimeout(r, 100));
    await h.abort();
    for (const r of await Promise.all(pending)) {
      expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/workstation stopped .*exit code.*audit log/) } });
    }
    expect(stopped).toHaveLength(1);
    expect(await call('accounts.me')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    // The lock died with the thread's database handles: the next owner opens the workstation.
    const next = new LenteraApp({ dataDir, owner: { door: 'test' } });
    next.close();
  }, 60_000);

  it('closes cleanly: the call in flight gets its answer, the owner lock is released, later calls are refused', async () => {
    const dataDir = workstationDir();
    const stopped: string[] = [];
    const h = await WorkstationHost.start({ dataDir, owner: { door: 'test' } }, { onStopped: (r) => stopped.push(r) });
    const inFlight = h.invokeAsync('accounts.login', ADMIN, { client: 'test' });
    await h.close();
    expect(await inFlight).toMatchObject({ ok: true, value: { account: { name: 'koordinator' } } });
    expect(await h.invokeAsync('accounts.me', {}, {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/closing/) } });
    expect(stopped).toEqual([]); // a close is no crash
    await h.close(); // twice is harmless
    const next = new LenteraApp({ dataDir, owner: { door: 'test' } });
    expect(next.invoke('accounts.login', ADMIN, {}).ok).toBe(true);
    next.close();
  });

  it('the desktop on an encrypted workstation: the window unlocks it through the IPC door, then logs in', async () => {
    const passphrase = 'kuda lumping semarang 2026';
    const dataDir = join(tempDir('lentera-host-'), 'ws');
    const made = new LenteraApp({ dataDir, allowInit: true });
    expect(made.invoke('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin, passphrase }, { local: 'test' })).toMatchObject({ ok: true });
    made.close();
    // As src-main/index.ts starts it: no passphrase, so the worker's app waits locked.
    const h = await host({ dataDir, allowInit: true, owner: { door: 'desktop' } });
    const ipc = new FakeIpcMain();
    const window = new FakeContents(1);
    const door = registerIpc(ipc, h, () => [window]);
    onTestFinished(() => door.dispose());
    const call = (command: string, input: unknown = {}) => ipcCall(ipc, window, command, input);

    expect(await call('system.status')).toEqual({ ok: true, value: { initialised: true, locked: true, canUnlock: true, version: expect.any(String) } });
    expect(await call('accounts.login', ADMIN)).toMatchObject({ ok: false, error: { code: 'WORKSTATION_LOCKED' } });
    expect(await call('workstation.unlock', { passphrase: 'bukan frasa sandinya' })).toMatchObject({ ok: false, error: { code: 'PASSPHRASE_WRONG', details: { attemptsLeft: 4 } } });
    const opened = await call('workstation.unlock', { passphrase });
    expect(opened).toMatchObject({ ok: true, value: { workstationId: expect.any(String) } });
    // The window hears it (another window on the unlock screen goes on to the login).
    await expect.poll(() => window.sent.some(([, type]) => type === 'workstation.unlocked')).toBe(true);
    expect(await call('accounts.login', ADMIN)).toMatchObject({ ok: true, value: { account: { name: ADMIN.name } } });
    expect(await call('accounts.me')).toMatchObject({ ok: true, value: { name: ADMIN.name } });
  });
});

/**
 * The desktop's main process must keep answering its windows while the workstation works. With the IPC door in
 * front of a WorkstationHost, a 100k-row roster import runs in the worker and the main thread's event loop stays
 * free; the same import through an in-process LenteraApp, the control, blocks it for the whole transaction.
 */
describe('the main thread during a 100k-row roster import', () => {
  const ROWS = 100_000;

  /** Imports the roster through the IPC door in front of `target`, measuring this thread's event-loop delay. */
  async function importThroughDoor(target: DoorTarget, examFile: Buffer, roster: Buffer) {
    const ipc = new FakeIpcMain();
    const window = new FakeContents(1);
    const door = registerIpc(ipc, target, () => [window]);
    onTestFinished(() => door.dispose());
    const call = (command: string, input: unknown = {}) => ipcCall(ipc, window, command, input);
    expect(await call('accounts.login', ADMIN)).toMatchObject({ ok: true });
    const exam = await uploadThrough(call, examFile);
    expect(await call('exams.import', { file: { uploadId: exam, name: 'exam.json' } })).toMatchObject({ ok: true });
    const file = await uploadThrough(call, roster);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    // The histogram records the time between two of its timer's ticks, from the second tick on: it must be
    // ticking before the import starts, or a loop blocked from the start would show nothing.
    await new Promise((r) => setTimeout(r, 30));
    const started = performance.now();
    const result = await call('roster.import', { exam: 'CPNS-SMG-2026', file: { uploadId: file, name: 'peserta.csv' } });
    const ms = performance.now() - started;
    // The sampling timer records a stall only when it next fires: a loop blocked until the answer came would
    // otherwise show no sample at all.
    await new Promise((r) => setTimeout(r, 30));
    delay.disable();
    return { result, ms, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, samples: delay.count };
  }

  it('keeps its p99 event-loop delay under 50 ms with the workstation hosted in a worker', async () => {
    // Files, not objects: the generated package (100k objects) would stay on this thread's heap and its garbage
    // collection would be measured as if the door caused it.
    const { examFile, roster } = (() => {
      const pkg = demoPackage(ROWS, 7);
      return { examFile: Buffer.from(JSON.stringify({ ...pkg, sessions: [], roster: [] })), roster: Buffer.from(demoRosterCsv(pkg)) };
    })();

    const hostedDir = workstationDir();
    const h = await WorkstationHost.start({ dataDir: hostedDir, owner: { door: 'test' } });
    const hosted = await importThroughDoor(h, examFile, roster);
    await h.close();

    const inProcessApp = new LenteraApp({ dataDir: workstationDir() });
    onTestFinished(() => inProcessApp.close());
    const inProcess = await importThroughDoor(inProcessApp, examFile, roster);

    // The histogram's values include its 10 ms sampling interval: an idle loop shows about 10 ms.
    const line = (r: typeof hosted) => `p99 ${r.p99.toFixed(1)} ms, max ${r.max.toFixed(1)} ms over ${r.samples} samples, import ${(r.ms / 1000).toFixed(1)} s`;
    console.log(`[event loop] 100k-row roster import through the IPC door: hosted in a worker ${line(hosted)}; in-process LenteraApp (control) ${line(inProcess)}`);
    for (const r of [hosted, inProcess]) expect(r.result).toMatchObject({ ok: true, value: { inserts: ROWS } });
    // What the worker wrote is on disk, all of it.
    const check = new LenteraApp({ dataDir: hostedDir });
    expect(countRows(check, 'candidates')).toBe(ROWS);
    check.close();
    expect(hosted.p99).toBeLessThan(50);
    // The control shows the measure sees a blocked loop: in-process, the import's transaction holds it.
    expect(inProcess.p99).toBeGreaterThan(50);
  }, 60_000);
});
