import { benchRegistry } from './registry.bench';
import { benchRoster } from './roster.bench';

// `npm run bench`: figures per capability, each beside a baseline from this same run. Never part of `npm test`.
console.log(`Lentera bench — node ${process.version}, ${new Date().toISOString()}`);
benchRegistry();
await benchRoster();
