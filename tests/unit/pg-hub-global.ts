import type { TestProject } from 'vitest/node';
import { startPgCluster } from './pg-cluster';

/**
 * The PostgreSQL run of the hub's suites (vitest.pg.config.ts): one throwaway cluster for the whole run, its address
 * given to every test file (pg-hub-setup.ts makes a database per hub there).
 */
export default function setup(project: TestProject): () => void {
  const cluster = startPgCluster();
  project.provide('pgAdminUrl', cluster.url('postgres'));
  return () => cluster.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}
