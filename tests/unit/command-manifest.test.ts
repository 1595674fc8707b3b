import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { LenteraApp } from '../../src-main/api/app';
import { allCommands } from '../../src-main/api/commands';
import { COMMAND_MODULES, commandModuleOf, loadCommandModule } from '../../src-main/api/commands/manifest';
import { OneShotApp } from '../../src-main/cli/one-shot-app';
import { ADMIN, tempDir } from './helpers';

const local = { local: 'ujang' };

/** A one-shot app (as the CLI opens it) on a fresh workstation, closed after the test. */
function oneShot(dataDir = join(tempDir(), 'ws'), allowInit = true): OneShotApp {
  const app = new OneShotApp({ dataDir, allowInit });
  onTestFinished(() => app.close());
  return app;
}

describe('the command manifest (which module defines each command)', () => {
  it('sends every command of the table to the module that defines it', async () => {
    const modules = new Map(await Promise.all(COMMAND_MODULES.map(async (m) => [m, await loadCommandModule(m)] as const)));
    const misplaced: string[] = [];
    for (const command of allCommands) {
      const module = commandModuleOf(command.name);
      // The very object of the table, not only its name: the manifest loads what the doors serve.
      if (!module || !modules.get(module)!.includes(command)) misplaced.push(`${command.name} -> ${module ?? 'nothing'}`);
    }
    expect(misplaced).toEqual([]);
  });

  it('loads nothing the table lacks and misses no module of it: the modules together are the table', async () => {
    const loaded = (await Promise.all(COMMAND_MODULES.map(loadCommandModule))).flat();
    expect(loaded.map((c) => c.name).sort()).toEqual(allCommands.map((c) => c.name).sort());
    expect(loaded).toHaveLength(allCommands.length);
  });

  it('claims no module for a name of no area it knows, an area alone, or a name of the object prototype', () => {
    for (const name of ['nope.list', 'system', 'systemx', '', '.status', 'constructor.name', '__proto__.x', 'toString.x', 'hasOwnProperty']) {
      expect(commandModuleOf(name), name).toBeUndefined();
    }
    // The one name whose area is elsewhere: keys.* are the sheets' keys, the certificate request is the bundles'.
    expect(commandModuleOf('keys.certificate')).toBe('bundles');
    expect(commandModuleOf('keys.generate')).toBe('sheets');
  });
});

describe('OneShotApp (the CLI loads the module of the command it runs)', () => {
  it('starts with no command, loads only the called command module, and answers as the full app does', async () => {
    const dataDir = join(tempDir(), 'ws');
    const init = await oneShot(dataDir).invokeAsync('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, local);
    expect(init.ok).toBe(true);

    const app = oneShot(dataDir, false);
    expect(app.registry!.commandList()).toEqual([]);
    const status = await app.invokeAsync('system.status', {}, local);
    expect(status).toMatchObject({ ok: true, value: { initialised: true, chainHead: { seq: 1 } } });
    const names = app.registry!.commandList().map((c) => c.name);
    expect(names).toContain('audit.verify');
    expect(names.filter((n) => commandModuleOf(n) !== 'system')).toEqual([]);

    const accounts = await app.invokeAsync('accounts.list', {}, local);
    expect(app.registry!.has('accounts.create')).toBe(true);
    expect(app.registry!.has('bundle.export')).toBe(false);

    const full = new LenteraApp({ dataDir });
    onTestFinished(() => full.close());
    expect(await full.invokeAsync('accounts.list', {}, local)).toEqual(accounts);
    expect(await full.invokeAsync('audit.verify', {}, local)).toEqual(await app.invokeAsync('audit.verify', {}, local));
  });

  it('two calls at once into one module both run (the module is added once, not twice: no duplicate name)', async () => {
    const app = oneShot();
    expect((await app.invokeAsync('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, local)).ok).toBe(true);
    const [head, verify] = await Promise.all([app.invokeAsync('audit.head', {}, local), app.invokeAsync('audit.verify', {}, local)]);
    expect(head).toMatchObject({ ok: true, value: { seq: 1 } });
    expect(verify).toMatchObject({ ok: true });
    expect(app.registry!.commandList().filter((c) => c.name === 'audit.head')).toHaveLength(1);
  });

  it('an unknown command is UNKNOWN_COMMAND, whether its area is known or not; before init, NOT_INITIALISED', async () => {
    const fresh = oneShot();
    expect(await fresh.invokeAsync('accounts.list', {}, local)).toMatchObject({ ok: false, error: { code: 'NOT_INITIALISED' } });
    expect((await fresh.invokeAsync('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin }, local)).ok).toBe(true);
    expect(await fresh.invokeAsync('system.frobnicate', {}, local)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await fresh.invokeAsync('nope.list', {}, local)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    // Commands loaded before the workstation existed are served once it does.
    expect(await fresh.invokeAsync('accounts.list', {}, local)).toMatchObject({ ok: true });
  });

  it('makes the demo venue with its signing key; the synchronous entry refuses the demo, a second demo is ALREADY_INITIALISED', async () => {
    const app = oneShot();
    expect(app.invoke('workstation.demo', { candidates: 10 }, local)).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: /invokeAsync/ } });
    expect(app.workstation).toBeUndefined();
    const demo = await app.invokeAsync('workstation.demo', { candidates: 10 }, local);
    expect(demo).toMatchObject({ ok: true, value: { signingKey: { account: 'koordinator', fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) } } });
    expect(await app.invokeAsync('workstation.demo', { candidates: 10 }, local)).toMatchObject({ ok: false, error: { code: 'ALREADY_INITIALISED' } });
    const keys = await app.invokeAsync('keys.list', {}, local);
    expect(keys).toMatchObject({ ok: true });
    expect(JSON.stringify(keys)).toContain((demo as { value: { signingKey: { fingerprint: string } } }).value.signingKey.fingerprint);
  });
});
