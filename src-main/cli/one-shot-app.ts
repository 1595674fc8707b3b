import { commandModuleOf, loadCommandModule, type CommandModule } from '../api/commands/manifest';
import type { Auth } from '../api/registry';
import type { Result } from '../api/result';
import { WorkstationApp, type AppOptions } from '../api/workstation-app';

/**
 * The workstation as one CLI call needs it: it starts with no command and loads, on a command's first call, the
 * module that defines it (api/commands/manifest.ts). A process runs one or two commands, so loading the whole table
 * (bundles and keys with pkijs, asn1js and node-forge; sheets with qrcode; every zod schema) would cost more than
 * the command itself: `lentera status` would start at five times `node -e 0` instead of about twice.
 * Only the asynchronous entry loads; the CLI calls nothing else (see CliTarget in ./workstation).
 */
export class OneShotApp extends WorkstationApp {
  private readonly loading = new Map<CommandModule, Promise<void>>();

  constructor(opts: Omit<AppOptions, 'commands' | 'owner'>) {
    super(opts, []);
  }

  override async invokeAsync(name: string, input: unknown, auth: Auth): Promise<Result> {
    const module = commandModuleOf(name);
    if (module) {
      // A promise per module, so two calls at once wait for the same load and add its commands once.
      let loaded = this.loading.get(module);
      if (!loaded) {
        loaded = loadCommandModule(module).then((commands) => this.addCommands(commands));
        this.loading.set(module, loaded);
      }
      await loaded;
    }
    return super.invokeAsync(name, input, auth);
  }
}
