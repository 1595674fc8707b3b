/**
 * What `lentera demo` prints once (src-main/cli/commands/demo.ts), read back by the tests, attacks and benches that
 * drive a demo workstation: one reader, so a changed wording fails here with the line it looked for, not as a
 * `null` somewhere else.
 */
export interface DemoOutput {
  workstationId: string;
  /** the passphrase of koordinator's signing key */
  signingPassphrase: string;
  /** the workstation's passphrase; undefined for a `--plain` one */
  workstationPassphrase: string | undefined;
  /** an account's PIN, by its name */
  pin(name: string): string;
}

export function readDemoOutput(text: string): DemoOutput {
  const need = (re: RegExp, what: string): string => {
    const m = re.exec(text);
    if (!m) throw new Error(`lentera demo printed no ${what} (looked for ${re}):\n${text}`);
    return m[1]!;
  };
  return {
    workstationId: need(/^Demo workstation (\S+) created/m, 'workstation id'),
    signingPassphrase: need(/^Signing key of koordinator .*: passphrase (\S+)/m, 'signing key passphrase'),
    workstationPassphrase: /^Workstation passphrase .*: (\S+)$/m.exec(text)?.[1],
    pin: (name) => need(new RegExp(`^  ${name} +\\S+ +PIN (\\d{6})`, 'm'), `PIN for ${name}`),
  };
}

/** The workstation passphrase of an encrypted demo (refused when the demo printed none: a `--plain` one). */
export function demoWorkstationPassphrase(text: string): string {
  const p = readDemoOutput(text).workstationPassphrase;
  if (p === undefined) throw new Error(`lentera demo printed no workstation passphrase (a --plain workstation?):\n${text}`);
  return p;
}
