#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (a dependency), so `npx lentera` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
// `lentera rank ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { run } = await import('../src-main/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
