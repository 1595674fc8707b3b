// Types for electron.vite.config.ts; the script is plain JavaScript so the build loads it without a compiler.
import type { Plugin } from 'vite';
export const VERIFY_PAGE_FILE: string;
export function bundleVerifyPage(entry: string): Promise<string>;
export function verifyPagePlugin(entry: string): Plugin;
