import { accountsCommands } from './accounts';
import { examCommands } from './exams';
import { panelCommands } from './panel';
import { rankingCommands } from './ranking';
import { scoreCommands } from './scores';
import { sheetCommands } from './sheets';
import { systemCommands } from './system';
import { bundleCommands } from './bundles';
import { documentCommands } from './documents';
import { homeCommands } from './home';
import { printCommands } from './print';
import { voiceCommands } from './voice';
import { announcementCommands } from './announcements';
import { purgeCommands } from './purge';

/**
 * Every command of the workstation, in one table. Capabilities add their list here. Left without a type
 * annotation on purpose: its element type is the union of every command with its literal name, input schema and
 * answer, which api/contract.ts reads for the renderer (annotating it `Command[]` would erase all of that).
 */
export const allCommands = [...systemCommands, ...accountsCommands, ...examCommands, ...scoreCommands, ...panelCommands, ...rankingCommands, ...sheetCommands, ...documentCommands, ...bundleCommands, ...homeCommands, ...printCommands, ...voiceCommands, ...announcementCommands, ...purgeCommands];

/** One command of the table, with its own types. */
export type RegisteredCommand = (typeof allCommands)[number];
