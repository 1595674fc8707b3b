import { z } from 'zod';
import { homeTasks } from '../../core/home/tasks';
import { defineCommand } from '../registry';

export const homeCommands = [
  defineCommand({
    name: 'home.tasks',
    summary: "What the caller has to do today, for their role: codes, counts and the page where each is done (no values)",
    input: z.object({}),
    access: 'authenticated',
    mutates: false,
    handler: (ctx) => {
      const viewer = ctx.principal.kind === 'user' ? { accountId: ctx.principal.account.id, role: ctx.principal.account.role } : { accountId: null, role: 'local' };
      return { tasks: homeTasks(ctx.db, ctx.dataDir, ctx.clock.now(), viewer) };
    },
  }),
];
