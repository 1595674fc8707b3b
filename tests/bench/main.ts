import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchBundles } from './bundles.bench';
import { benchLedger } from './ledger.bench';
import { benchRegistry } from './registry.bench';
import { benchRanking } from './ranking.bench';
import { benchRoster } from './roster.bench';
import { benchScoring } from './scoring.bench';
import { benchSecurity } from './security.bench';
import { benchSheets } from './sheets.bench';
import { saveResults } from './report';
import { benchStartup } from './startup.bench';
import { benchCustody } from './custody.bench';

// `npm run bench`: figures per capability, each beside a baseline from this same run. Never part of `npm test`.
const only = process.argv[2];
console.log(`Lentera bench — node ${process.version}, ${new Date().toISOString()}`);
if (!only || only === 'registry') benchRegistry();
if (!only || only === 'roster') await benchRoster();
if (!only || only === 'scoring') await benchScoring();
if (!only || only === 'ranking') await benchRanking();
if (!only || only === 'sheets') await benchSheets();
if (!only || only === 'ledger') benchLedger();
if (!only || only === 'bundles') await benchBundles();
if (!only || only === 'security') await benchSecurity();
if (!only || only === 'startup') benchStartup();
if (!only || only === 'custody') await benchCustody();
const notMet = saveResults(join(import.meta.dirname, '..', '..'), { node: process.version, at: new Date().toISOString(), only: only ?? null, cpus: cpus().length });
if (notMet > 0) console.log(`${notMet} goal(s) not met: see the reasons beside them.`);
