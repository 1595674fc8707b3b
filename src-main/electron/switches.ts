/**
 * Command-line switches that open a debugger into the app: Node's inspector (which the packaged app's
 * EnableNodeCliInspectArguments fuse also switches off) and Chromium's remote debugging, which no fuse covers.
 * The packaged app refuses to start with any of them (src-main/index.ts); `npm start` never passes them
 * (launcher.ts startOptions).
 */
const DEBUGGING = [/^--inspect(-brk|-port|-publish-uid)?(=|$)/, /^--remote-debugging-(port|pipe|address)(=|$)/, /^--remote-allow-origins(=|$)/, /^--js-flags(=|$)/];

export function debuggingSwitches(argv: readonly string[]): string[] {
  return argv.filter((a) => DEBUGGING.some((re) => re.test(a)));
}
