import { hubSuite } from './hub-suite';

// The hub's suite on PostgreSQL: hub-suite.ts.
hubSuite('PostgreSQL');
