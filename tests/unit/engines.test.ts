import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packagesFromLock, unsatisfiedEngines } from '../../scripts/check-engines.mjs';

const root = join(__dirname, '..', '..');
const script = join(root, 'scripts', 'check-engines.mjs');
const lock = packagesFromLock(join(root, 'package-lock.json'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

// The lines README.md documents as supported: the first release of each that every dependency accepts.
const SUPPORTED = ['22.13.0', '24.0.0'];
// Node 20 (end of life April 2026) still runs the tests here; npm warns for exactly these, each wanting Node ≥ 22.
const NODE_20_EXCEPTIONS = [
  '@electron-internal/extract-zip', // electron's downloader
  '@electron/get',
  '@electron/rebuild',
  'canonicalize',
  'commander',
  'electron',
  'i18next',
  'node-abi', // @electron/rebuild's
  'react-i18next',
];

describe('engines of the locked dependencies', () => {
  it('reads every package of the lockfile, not the project itself', () => {
    expect(lock.length).toBeGreaterThan(500);
    expect(lock.some((p) => p.path === '')).toBe(false);
    expect(lock.find((p) => p.path === 'node_modules/electron')).toMatchObject({ name: 'electron', dev: true });
    expect(lock.find((p) => p.path === 'node_modules/@electron/rebuild/node_modules/node-abi')?.name).toBe('node-abi');
  });

  it.each(SUPPORTED)('Node %s: no package wants another Node', (version) => {
    expect(unsatisfiedEngines(lock, version)).toEqual([]);
  });

  it('package.json engines is exactly the documented lines', () => {
    expect(pkg.engines.node).toBe('^22.13.0 || >=24.0.0');
    const ranges = pkg.engines.node;
    const accepted = (v: string) => unsatisfiedEngines([{ name: 'lentera', version: '0', path: '.', engines: { node: ranges }, dev: false }], v).length === 0;
    for (const v of SUPPORTED) expect(accepted(v)).toBe(true);
    for (const v of ['20.20.2', '22.12.0', '23.11.0']) expect(accepted(v)).toBe(false);
  });

  it('Node 20: the warnings are exactly the documented exceptions', () => {
    const names = [...new Set(unsatisfiedEngines(lock, '20.20.2').map((p) => p.name))].sort();
    expect(names).toEqual([...NODE_20_EXCEPTIONS].sort());
  });

  it('Node 22.12: too old for a few build tools, hence 22.13 in the documentation', () => {
    expect(unsatisfiedEngines(lock, '22.12.0').map((p) => p.name)).toContain('eslint-visitor-keys');
  });

  it('judges ranges the way npm does, prereleases included', () => {
    const p = (node: unknown) => ({ name: 'x', version: '1.0.0', path: 'node_modules/x', engines: { node }, dev: false });
    expect(unsatisfiedEngines([p('>=22.0.0')], '22.0.0-rc.1')).toHaveLength(1);
    // semver's default would refuse any prerelease here; npm accepts it.
    expect(unsatisfiedEngines([p('>=21.0.0')], '22.0.0-rc.1')).toHaveLength(0);
    expect(unsatisfiedEngines([p('^20.19.0 || >=22.12.0')], '21.0.0')).toHaveLength(1);
    expect(unsatisfiedEngines([p('not a range')], '24.0.0')).toHaveLength(1);
    // No node engine, or the old array form npm ignores: nothing to warn about.
    expect(unsatisfiedEngines([{ ...p(undefined), engines: undefined }, { ...p(undefined), engines: ['node >= 0.4'] }], '20.0.0')).toEqual([]);
    expect(() => unsatisfiedEngines([], 'twenty')).toThrow(/not a Node version/);
  });
});

describe('scripts/check-engines.mjs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lentera-engines-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 on a supported Node and 1 listing the packages on Node 20', () => {
    expect(execFileSync(process.execPath, [script, '--node', '24.0.0'], { encoding: 'utf8' })).toMatch(/^Node 24\.0\.0: all \d+ packages accept it/);
    const r = spawnSync(process.execPath, [script, '--node=v20.20.2', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as { node: string; unsatisfied: { name: string; node: string }[] };
    expect(out.node).toBe('20.20.2');
    expect(out.unsatisfied.find((p) => p.name === 'electron')?.node).toMatch(/22\.12/);
  });

  it('checks only the run-time dependencies with --omit-dev', () => {
    const r = spawnSync(process.execPath, [script, '--node', '20.20.2', '--omit-dev', '--json'], { encoding: 'utf8' });
    const names = (JSON.parse(r.stdout) as { unsatisfied: { name: string }[] }).unsatisfied.map((p) => p.name).sort();
    expect(names).toEqual(['canonicalize', 'commander', 'i18next', 'react-i18next']);
  });

  it('refuses a bad version or argument with exit 2', () => {
    expect(spawnSync(process.execPath, [script, '--node', 'lts'], { encoding: 'utf8' }).status).toBe(2);
    const r = spawnSync(process.execPath, [script, '--frobnicate'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown argument --frobnicate/);
  });

  it('refuses a lockfile without a packages section', () => {
    const old = join(dir, 'package-lock.json');
    writeFileSync(old, JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
    expect(() => packagesFromLock(old)).toThrow(/no "packages" section/);
  });
});
