import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The server hands out out/renderer: without a build every test would only see "not built". */
export default function globalSetup(): void {
  const index = fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url));
  if (!existsSync(index)) {
    throw new Error(`${index} is missing: build the renderer first with "npx electron-vite build".`);
  }
}
