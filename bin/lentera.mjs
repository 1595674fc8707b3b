#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx (a dependency), so `npx lentera` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src-main/cli/main.ts');
process.exitCode = await run(process.argv.slice(2));
