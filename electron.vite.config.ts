import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { verifyPagePlugin } from './scripts/verify-page-build.mjs';

// One build for the three parts. The renderer is also what `lentera serve` hands to browsers on the LAN.
export default defineConfig({
  main: {
    // The publication site's verification page, built once here (out/main/verify-page.js) for publishing to copy.
    plugins: [verifyPagePlugin(resolve(__dirname, 'src-main/core/publish/verify-page.ts'))],
    build: {
      outDir: 'out/main',
      // Bundled rather than loaded from node_modules: zod's package loads some 90 modules (every locale), ~70 ms of
      // each CLI call's start, and jsonc-parser and canonicalize are CommonJS files read through the ESM loader.
      // Tree-shaken, zod is one chunk of its own (named, so the start-up tests still see when it loads).
      externalizeDeps: { exclude: ['zod', 'jsonc-parser', 'canonicalize'] },
      rollupOptions: {
        // The desktop's main process, the command line, `npm start`'s launcher and the worker threads.
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/main.ts'),
          launcher: resolve(__dirname, 'src-main/electron/launcher.ts'),
          'sheets-worker': resolve(__dirname, 'src-main/core/sheets/worker.ts'),
          'workstation-worker': resolve(__dirname, 'src-main/host/workstation-worker.ts'),
          'backup-worker': resolve(__dirname, 'src-main/core/custody/backup-worker.ts'),
          'ranker-worker': resolve(__dirname, 'src-main/core/ranking/ranker-worker.ts'),
        },
        // Chunks beside the entries, not in chunks/: code that finds a sibling by its URL (the sheet worker, the
        // verification page, the renderer) then finds it from whichever entry or lazily loaded chunk it runs in.
        output: { chunkFileNames: '[name]-[hash].js', codeSplitting: { groups: [{ name: 'zod', test: /node_modules[\\/]zod[\\/]/ }] } },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { index: resolve(__dirname, 'src-main/preload/index.ts') }, output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
