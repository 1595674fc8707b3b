import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, type CoordinatedDemo, demoWorkstation, parseDemoOutput, ROOT, spawnReady, stop, test as base } from './fixtures';

// A demo workstation and a real publication hub (`lentera hub`, its own process), for the specs that follow a
// result from the venue to the public site.

export { CLI, ROOT };

export type Demo = CoordinatedDemo;

export interface Hub {
  url: string;
  dir: string;
  /** Runs `lentera hub …` subcommands against this hub's directory. */
  /** `announce`: the committee coordinator's certificate, which may also sign announcements (`hub trust --announce`) */
  trust(certificate: string, exam?: string, announce?: boolean): Promise<void>;
}

export function runCli(args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`lentera ${args.join(' ')} exited ${code}:\n${err}${out}`))));
  });
}

/**
 * A demo workstation (the koordinator has a local signing key, F01's interviews are finalized) and a fresh
 * publication hub. The workstation's own push round is made rare, so that a bundle stays pending until the test
 * presses "Kirim sekarang".
 */
export const hubTest = base.extend<{ demo: Demo; hub: Hub }>({
  // Playwright reads the fixtures a fixture needs from this pattern: it needs none.
  // eslint-disable-next-line no-empty-pattern
  demo: async ({}, use) => {
    const before = process.env.LENTERA_OUTBOX_MS;
    process.env.LENTERA_OUTBOX_MS = String(60 * 60 * 1000);
    try {
      await demoWorkstation(
        'bundles',
        parseDemoOutput,
        use,
      );
    } finally {
      if (before === undefined) delete process.env.LENTERA_OUTBOX_MS;
      else process.env.LENTERA_OUTBOX_MS = before;
    }
  },
  lentera: async ({ demo }, use) => {
    await use(demo);
  },
  // eslint-disable-next-line no-empty-pattern
  hub: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'lentera-e2e-hub-'));
    try {
      // `lentera hub --port 0` in its own directory.
      const { child, url } = await spawnReady(['hub', '--data', dir, '--port', '0'], /^Lentera hub is serving (http:\/\/127\.0\.0\.1:\d+)/);
      try {
        await use({
          url,
          dir,
          trust: async (certificate, exam, announce) => {
            await runCli(['hub', 'trust', '--data', dir, certificate, ...(exam ? ['--exam', exam] : []), ...(announce ? ['--announce'] : [])]);
          },
        });
      } finally {
        await stop(child);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
});
