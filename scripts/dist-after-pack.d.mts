// Types for tests/unit/packaging.test.ts; electron-builder loads the plain JavaScript hook.
export const ARCH_NAMES: string[];
export function unpackedBindingPath(appOutDir: string, platform: string, productFilename: string | undefined): string;
export interface AfterPackContextLike {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager?: { info?: { framework?: { version?: string } }; appInfo?: { productFilename?: string } };
}
export function afterPack(context: AfterPackContextLike, launcher?: unknown): Promise<void>;
export default afterPack;
