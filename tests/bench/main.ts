import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchBundles } from './bundles.bench';
import { benchLedger } from './ledger.bench';
import { benchCheckIn, benchRegistry } from './registry.bench';
import { benchRanking } from './ranking.bench';
import { benchRoster } from './roster.bench';
import { benchRosterList } from './roster-list.bench';
import { benchScoring } from './scoring.bench';
import { benchSecurity } from './security.bench';
import { benchSheets } from './sheets.bench';
import { saveResults } from './report';
import { runSections } from './sections';
import { benchStartup } from './startup.bench';
import { benchCustody } from './custody.bench';
import { benchHubGrowth } from './hub-growth.bench';
import { benchHubExams } from './hub-exams.bench';
import { benchHubHistory } from './hub-history.bench';
import { benchSiteFormations } from './site-formations.bench';
import { benchUi } from './ui.bench';

// `npm run bench`: figures per capability, each beside a baseline from this same run. Never part of `npm test`.
const only = process.argv[2];
console.log(`Lentera bench — node ${process.version}, ${new Date().toISOString()}`);
const failed = await runSections(
  [
    { name: 'registry', run: benchRegistry },
    { name: 'check-in', run: benchCheckIn },
    { name: 'roster', run: benchRoster },
    { name: 'roster-list', run: benchRosterList },
    { name: 'scoring', run: benchScoring },
    { name: 'ranking', run: benchRanking },
    { name: 'sheets', run: benchSheets },
    { name: 'ledger', run: benchLedger },
    { name: 'bundles', run: benchBundles },
    { name: 'security', run: benchSecurity },
    { name: 'startup', run: benchStartup },
    { name: 'custody', run: benchCustody },
    { name: 'growth', run: benchHubGrowth },
    { name: 'exams', run: benchHubExams },
    { name: 'history', run: benchHubHistory },
    { name: 'formations', run: benchSiteFormations },
    { name: 'ui', run: benchUi },
  ],
  only,
);
const notMet = saveResults(join(import.meta.dirname, '..', '..'), { node: process.version, at: new Date().toISOString(), only: only ?? null, cpus: cpus().length });
if (notMet > 0) console.log(`${notMet} goal(s) not met: see the reasons beside them.`);
if (failed.length > 0) {
  console.log(`${failed.length} section(s) failed and gave no figures: ${failed.map((f) => f.name).join(', ')} (their earlier rows are kept in bench/results.json).`);
  process.exitCode = 1;
}
