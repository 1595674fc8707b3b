/**
 * The verification page's script: verify-page.ts and the browser-safe log modules it imports, bundled with
 * esbuild into one classic script at publish time, once per process.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ENTRY = 'verify-page.ts';

let cached: Promise<string> | undefined;

/**
 * The TypeScript source, found by walking up from this module: next to it under tsx and in tests; from the
 * repository root when this code runs from the desktop bundle in out/main/ (the source ships with the clone).
 */
export function verifyPageSource(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, ENTRY), join(dir, 'src-main', 'core', 'publish', ENTRY)]) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error(`${ENTRY} not found: the verification page's source must be in src-main/core/publish/`);
}

async function bundle(): Promise<string> {
  const entry = verifyPageSource();
  // Loaded on first use only: nothing else in the process needs esbuild.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: dirname(entry),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
    sourcemap: false,
    charset: 'ascii',
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const out = result.outputFiles[0];
  if (!out) throw new Error('esbuild produced no output for the verification page');
  return out.text;
}

/** The bundled script's text; built on first call, then the same text for the life of the process. */
export function verifyScript(): Promise<string> {
  cached ??= bundle().catch((e: unknown) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
