// Types for tests/unit/engines.test.ts; the script itself is plain JavaScript so it runs on any Node.
export interface PackageEntry {
  name: string;
  version: string | undefined;
  path: string;
  engines: unknown;
  dev: boolean | undefined;
}
export interface Unsatisfied {
  name: string;
  version: string | undefined;
  path: string;
  node: string;
}
export function packagesFromLock(lockFile: string): PackageEntry[];
export function packagesInstalled(projectRoot: string): PackageEntry[];
export function unsatisfiedEngines(packages: PackageEntry[], nodeVersion: string): Unsatisfied[];
