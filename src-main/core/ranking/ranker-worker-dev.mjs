// Runs the TypeScript ranking worker where the code runs from source (tsx: the CLI, `lentera serve`, tests). The
// desktop bundle has its own built ranker-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./ranker-worker.ts');
