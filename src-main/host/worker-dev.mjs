// Runs the TypeScript worker where the code runs from source (tsx, tests). The desktop bundle has its own built
// workstation-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./workstation-worker.ts');
