import { hubSuite } from './hub-suite';

hubSuite('SQLite');
