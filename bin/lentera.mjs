#!/usr/bin/env node
// Runs the built CLI (out/main/cli.js, made by `npm run build`, which `npm install` runs through "prepare"):
// plain JavaScript, no TypeScript compiled at start.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(`lentera: the command line is not built (${built} is missing): run "npm run build" in the Lentera folder first.\n`);
  process.exit(1);
}
// `lentera rank ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { run } = await import(pathToFileURL(built).href);
process.exitCode = await run(process.argv.slice(2));
