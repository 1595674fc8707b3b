/**
 * Builds the publication site's verification page (src-main/core/publish/verify-page.ts and the browser-safe
 * log modules it imports) into one classic script, out/main/verify-page.js, during `electron-vite build`.
 * Publishing copies that file: esbuild is a build tool here, never loaded by a running hub or CLI.
 */
import { build } from 'esbuild';
import { dirname } from 'node:path';

export const VERIFY_PAGE_FILE = 'verify-page.js';

/** The script's text, as the site ships it. */
export async function bundleVerifyPage(entry) {
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

/** A build plugin that emits the script beside the main process's entries. */
export function verifyPagePlugin(entry) {
  return {
    name: 'lentera-verify-page',
    async generateBundle() {
      this.emitFile({ type: 'asset', fileName: VERIFY_PAGE_FILE, source: await bundleVerifyPage(entry) });
    },
  };
}
