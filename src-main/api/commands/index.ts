import { accountsCommands } from './accounts';
import { examCommands } from './exams';
import { panelCommands } from './panel';
import { rankingCommands } from './ranking';
import { scoreCommands } from './scores';
import { sheetCommands } from './sheets';
import { systemCommands } from './system';
import { bundleCommands } from './bundles';
import { documentCommands } from './documents';

/** Every command of the workstation, in one table. Capabilities add their list here. */
export const allCommands = [...systemCommands, ...accountsCommands, ...examCommands, ...scoreCommands, ...panelCommands, ...rankingCommands, ...sheetCommands, ...documentCommands, ...bundleCommands];
