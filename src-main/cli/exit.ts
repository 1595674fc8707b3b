/** Thrown by a command to end the CLI with this exit code once it has said why. */
export class CliExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}
