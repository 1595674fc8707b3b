import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-run';
import { demoWorkstationPassphrase, readDemoOutput } from './demo-output';
import { tempDir } from './helpers';

describe("reading what lentera demo prints (the tests', attacks' and benches' one reader)", () => {
  it('reads an encrypted demo: its id, both passphrases and every PIN', async () => {
    const demo = await cli(['demo', '--data', join(tempDir('lentera-demo-output-'), 'enc'), '--candidates', '10']);
    expect(demo.code).toBe(0);
    const read = readDemoOutput(demo.out);
    expect(read.workstationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(read.signingPassphrase.length).toBeGreaterThanOrEqual(16);
    expect(demoWorkstationPassphrase(demo.out)).toBe(read.workstationPassphrase);
    expect(read.workstationPassphrase).not.toBe(read.signingPassphrase);
    expect(read.pin('koordinator')).toMatch(/^\d{6}$/);
    expect(() => read.pin('nobody')).toThrow('lentera demo printed no PIN for nobody');
    expect(read.accounts.map((a) => a.role)).toEqual(['coordinator', 'clerk', 'clerk', 'chair', 'examiner', 'examiner', 'chair', 'examiner', 'examiner', 'observer']);
    expect(read.accounts[0]).toEqual({ name: 'koordinator', role: 'coordinator', pin: read.pin('koordinator') });
    expect(read.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(read.recoveryWords).toHaveLength(24);
    expect(read.recoveryWords.every((w) => /^[a-z]+$/.test(w))).toBe(true);
  });

  it('reads a --plain demo as having no workstation passphrase, and refuses to give one', async () => {
    const demo = await cli(['demo', '--data', join(tempDir('lentera-demo-output-'), 'plain'), '--candidates', '10', '--plain']);
    expect(demo.code).toBe(0);
    expect(readDemoOutput(demo.out).workstationPassphrase).toBeUndefined();
    expect(readDemoOutput(demo.out).recoveryWords).toEqual([]);
    expect(() => demoWorkstationPassphrase(demo.out)).toThrow('lentera demo printed no workstation passphrase (a --plain workstation?)');
  });

  it('names the line it looked for when the wording changed', () => {
    expect(() => readDemoOutput('Demo workstation 1 created in x with exam E.\nSigning key: pass abc')).toThrow(/printed no signing key passphrase \(looked for/);
  });
});
