import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { join } from 'node:path';
import { LenteraApp } from '../../src-main/api/app';
import type { Account } from '../../src-main/core/accounts/accounts';
import type { CommandInput, CommandName, CommandOutput, LockedStatus, Result } from '../../src-main/api/contract';
import type { ApiClient } from '../../src-renderer/api/client';
import type { Transport } from '../../src-renderer/api/transport';
import type { AttendanceState, ExamListItem } from '../../src-renderer/api/types';
import { ADMIN, tempDir } from './helpers';

// The type-level half of this file is checked by `tsc --noEmit -p tsconfig.json`, which includes tests/: a command
// that renames a field of its answer makes one of these lines (and the screen that reads it) fail to compile.

describe('the contract read off the registry table', () => {
  it('pins the answers the screens rely on', () => {
    expectTypeOf<CommandOutput<'sessions.close'>>().toEqualTypeOf<{ session: string; present: number; absent: number; absentNumbers: string[] }>();
    expectTypeOf<CommandOutput<'accounts.me'>>().toEqualTypeOf<Account | null>();
    expectTypeOf<CommandOutput<'accounts.list'>>().toEqualTypeOf<Account[]>();
    expectTypeOf<CommandOutput<'attendance.checkIn'>>().toEqualTypeOf<{
      nomorPeserta: string;
      nama: string;
      kodeFormasi: string;
      jabatan: string;
      nikMasked: string;
      at: string;
      by: string;
    }>();
    expectTypeOf<CommandOutput<'roster.list'>['rows'][number]['attendance']>().toEqualTypeOf<AttendanceState>();
    expectTypeOf<AttendanceState>().toEqualTypeOf<'present' | 'absent' | 'pending'>();
    expectTypeOf<ExamListItem>().toHaveProperty('candidates').toEqualTypeOf<number>();
    expectTypeOf<CommandOutput<'ranking.compute'>['results'][number]>().toHaveProperty('nama').toEqualTypeOf<string>();
    // A handler's promise is awaited: this is what arrives, not a Promise of it.
    expectTypeOf<CommandOutput<'outbox.push'>[number]['state']>().toEqualTypeOf<'confirmed' | 'pending' | 'refused'>();
  });

  it('gives what a caller sends, with defaults optional and enums kept', () => {
    expectTypeOf<CommandInput<'audit.list'>>().toEqualTypeOf<{
      before?: number | undefined;
      limit?: number | undefined;
      command?: string | undefined;
      actor?: string | undefined;
      outcome?: 'ok' | 'refused' | undefined;
      from?: string | undefined;
      to?: string | undefined;
    }>();
    expectTypeOf<CommandInput<'accounts.create'>['role']>().toEqualTypeOf<'coordinator' | 'chair' | 'examiner' | 'clerk' | 'observer'>();
    expectTypeOf<CommandInput<'ranking.export'>['format']>().toEqualTypeOf<'csv' | 'csv-excel' | 'xlsx'>();
  });

  it('covers the commands the app answers outside the registry', () => {
    expectTypeOf<'workstation.init'>().toExtend<CommandName>();
    expectTypeOf<'workstation.demo'>().toExtend<CommandName>();
    expectTypeOf<CommandOutput<'system.status'>['initialised']>().toEqualTypeOf<boolean>();
    expectTypeOf<Extract<CommandOutput<'system.status'>, { initialised: false }>['workstationId']>().toEqualTypeOf<null>();
    expectTypeOf<'no.suchCommand'>().not.toExtend<CommandName>();
  });

  it('leaves no answer untyped (an unknown answer would let the screens read anything)', () => {
    type Untyped = { [K in CommandName]: unknown extends CommandOutput<K> ? K : never }[CommandName];
    expectTypeOf<Untyped>().toBeNever();
  });

  it('types the renderer client by command name', () => {
    expectTypeOf<ApiClient['call']>().toBeFunction();
    // Never run: only compiled. Each @ts-expect-error fails the typecheck if the line beneath it compiles.
    const _compileOnly = async (client: ApiClient) => {
      const closed = await client.call('sessions.close', { exam: 'E', session: 'S' });
      expectTypeOf(closed.absentNumbers).toEqualTypeOf<string[]>();
      // @ts-expect-error a renamed field (absentNumbers → absentees) no longer compiles
      void closed.absentees;
      // @ts-expect-error a missing required input field
      await client.call('sessions.close', { exam: 'E' });
      // @ts-expect-error an input of the wrong type
      await client.call('ranking.export', { exam: 'E', format: 'pdf' });
      // @ts-expect-error a command that does not exist
      await client.call('sessions.open', {});
      const me = await client.invoke('accounts.me');
      if (me.ok) expectTypeOf(me.value).toEqualTypeOf<Account | null>();
    };
    expect(typeof _compileOnly).toBe('function');
  });
});

/** A transport that hands every call straight to a real app, as the HTTP and IPC doors do. */
function appTransport(app: LenteraApp): Transport {
  return {
    kind: 'http',
    invoke: (command, input) => app.invokeAsync(command, input, { local: 'contract-test' }),
    subscribe: () => () => undefined,
    setToken: () => undefined,
    hasToken: () => false,
  };
}

describe('the hand-declared app commands, against a real app', () => {
  it('answers system.status, workstation.init and system.status again in the declared shapes', async () => {
    // client.ts picks a transport for the page when imported; a bare window makes it pick HTTP, unused here.
    vi.stubGlobal('window', {});
    const { ApiClient } = await import('../../src-renderer/api/client');
    vi.unstubAllGlobals();
    const app = new LenteraApp({ dataDir: join(tempDir(), 'ws'), allowInit: true });
    try {
      const client = new ApiClient(appTransport(app));

      const before = await client.call('system.status');
      expect(before).toMatchObject({ initialised: false, canInit: true, workstationId: null, principal: null, chainHead: { seq: 0 } });

      const refused: Result<CommandOutput<'workstation.init'>> = await client.invoke('workstation.init', { adminName: ADMIN.name, pin: '123456' });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error.code).toBe('INVALID_INPUT');

      const init = await client.call('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin });
      expect(Object.keys(init)).toEqual(['workstationId']);
      expect(init.workstationId).toMatch(/\S/);

      const after = await client.call('system.status');
      expect(after).toMatchObject({ initialised: true, workstationId: init.workstationId });
    } finally {
      app.close();
    }
  });

  it('answers an encrypted init, the locked status and workstation.unlock in the declared shapes', async () => {
    expectTypeOf<Extract<CommandOutput<'system.status'>, { locked: true }>>().toEqualTypeOf<LockedStatus>();
    expectTypeOf<CommandOutput<'workstation.unlock'>>().toEqualTypeOf<{ workstationId: string }>();
    vi.stubGlobal('window', {});
    const { ApiClient } = await import('../../src-renderer/api/client');
    vi.unstubAllGlobals();
    const dataDir = join(tempDir(), 'ws');
    const passphrase = 'kuda lumping semarang 2026';
    const first = new LenteraApp({ dataDir, allowInit: true });
    const init = await new ApiClient(appTransport(first)).call('workstation.init', { adminName: ADMIN.name, pin: ADMIN.pin, passphrase });
    first.close();
    expect(Object.keys(init).sort()).toEqual(['recoveryKey', 'workstationId']);
    expect(init.recoveryKey?.split(' ')).toHaveLength(24);

    const app = new LenteraApp({ dataDir });
    try {
      const client = new ApiClient(appTransport(app));
      const locked = await client.call('system.status');
      expect(locked).toEqual({ initialised: true, locked: true, canUnlock: true, version: expect.any(String) } satisfies Record<keyof LockedStatus, unknown>);
      expect(await client.call('workstation.unlock', { passphrase })).toEqual({ workstationId: init.workstationId });
      expect(await client.call('system.status')).toMatchObject({ initialised: true, workstationId: init.workstationId });
    } finally {
      app.close();
    }
  });
});
