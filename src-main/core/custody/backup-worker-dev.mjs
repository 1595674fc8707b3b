// Runs the TypeScript backup worker where the code runs from source (tsx: the CLI, `lentera serve`, tests). The
// desktop bundle has its own built backup-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./backup-worker.ts');
