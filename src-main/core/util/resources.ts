import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The project's resources/ folder, found by walking up from this module: the same code runs from
 * src-main/ (tsx), out/main/ (the desktop bundle) and tests.
 */
export function resourcesDir(): string {
  if (cached) return cached;
  if (process.env.LENTERA_RESOURCES) return (cached = process.env.LENTERA_RESOURCES);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'resources', 'rulesets'))) return (cached = join(dir, 'resources'));
    dir = dirname(dir);
  }
  throw new Error('resources/ folder not found');
}
