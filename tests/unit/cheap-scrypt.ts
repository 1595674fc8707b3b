import { useCheapScryptForTests } from '../../src-main/core/util/kdf-cost';

// Every unit test file starts with new PINs and passphrases made at a small scrypt cost: the rules under test are
// the same at any cost, and at the real one scrypt took most of the suite's time. The costs themselves are held by
// tests that put the real ones back (accounts.test.ts, custody.test.ts, pin-guard.test.ts).
useCheapScryptForTests(true);
