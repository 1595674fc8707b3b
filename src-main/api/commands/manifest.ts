import type { Command } from '../registry';

/**
 * Which module defines each command, for a caller that loads only what it runs: a one-shot `lentera status` must
 * not load the bundle, key and sheet code (pkijs, node-forge, qrcode…) the whole table drags in. It goes by the
 * name's area (`exams.import` → exams) with the few names whose area lives elsewhere listed one by one. Nothing
 * here imports a command module until it is asked for; tests/unit/command-manifest.test.ts walks the whole table
 * (api/commands/index.ts), so a command added to a module this does not point at fails there, not in the field.
 */
const LOADERS = {
  system: () => import('./system').then((m) => m.systemCommands),
  accounts: () => import('./accounts').then((m) => m.accountsCommands),
  exams: () => import('./exams').then((m) => m.examCommands),
  scores: () => import('./scores').then((m) => m.scoreCommands),
  panel: () => import('./panel').then((m) => m.panelCommands),
  ranking: () => import('./ranking').then((m) => m.rankingCommands),
  sheets: () => import('./sheets').then((m) => m.sheetCommands),
  documents: () => import('./documents').then((m) => m.documentCommands),
  bundles: () => import('./bundles').then((m) => m.bundleCommands),
  home: () => import('./home').then((m) => m.homeCommands),
  print: () => import('./print').then((m) => m.printCommands),
  voice: () => import('./voice').then((m) => m.voiceCommands),
  announcements: () => import('./announcements').then((m) => m.announcementCommands),
  purge: () => import('./purge').then((m) => m.purgeCommands),
} satisfies Record<string, () => Promise<readonly Command[]>>;

export type CommandModule = keyof typeof LOADERS;

export const COMMAND_MODULES = Object.keys(LOADERS) as CommandModule[];

const BY_AREA = new Map<string, CommandModule>([
  ['system', 'system'],
  ['audit', 'system'],
  ['settings', 'system'],
  ['backup', 'system'],
  ['accounts', 'accounts'],
  ['files', 'exams'],
  ['exams', 'exams'],
  ['roster', 'exams'],
  ['attendance', 'exams'],
  ['sessions', 'exams'],
  ['conflicts', 'exams'],
  ['scores', 'scores'],
  ['panel', 'panel'],
  ['display', 'panel'],
  ['paper', 'panel'],
  ['amendments', 'panel'],
  ['ranking', 'ranking'],
  ['keys', 'sheets'],
  ['sheets', 'sheets'],
  ['minutes', 'sheets'],
  ['documents', 'documents'],
  ['bundle', 'bundles'],
  ['hub', 'bundles'],
  ['outbox', 'bundles'],
  ['receipt', 'bundles'],
  ['home', 'home'],
  ['print', 'print'],
  ['sanggah', 'voice'],
  ['laporan', 'voice'],
  ['announcement', 'announcements'],
]);

/** Names whose area is defined mostly in another module. */
const BY_NAME = new Map<string, CommandModule>([
  ['keys.certificate', 'bundles'],
  ['hub.committee', 'voice'],
  ['exams.purge', 'purge'],
]);

/** The module that defines `name`, or undefined for a name no module claims (the registry then says UNKNOWN_COMMAND). */
export function commandModuleOf(name: string): CommandModule | undefined {
  const dot = name.indexOf('.');
  return dot > 0 ? (BY_NAME.get(name) ?? BY_AREA.get(name.slice(0, dot))) : undefined;
}

/** The commands of one module, loaded on first use (later calls share Node's module cache). */
export function loadCommandModule(module: CommandModule): Promise<readonly Command[]> {
  return LOADERS[module]();
}
