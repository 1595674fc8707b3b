import { describe, expect, it } from 'vitest';
import { auditBudget } from '../../src-main/server/audit-budget';

describe('auditBudget: how often a refusal anyone can provoke is audited', () => {
  it('takes one per client in each window, an IPv6 client by its /64, and at most so many clients in a window', () => {
    let now = 0;
    const budget = auditBudget({ windowMs: 60_000, clients: 3, now: () => now });
    expect(budget.take('203.0.113.7')).toBe(true);
    expect(budget.take('203.0.113.7')).toBe(false);
    expect(budget.take('::ffff:203.0.113.7')).toBe(false);
    // Another address in the same /64 is the same client.
    expect(budget.take('2001:db8:1:2::1')).toBe(true);
    expect(budget.take('2001:db8:1:2:ffff::9')).toBe(false);
    expect(budget.take('2001:db8:1:3::1')).toBe(true);
    // A fourth client in the window: over the cap, only logged.
    expect(budget.take('198.51.100.1')).toBe(false);
    now = 59_999;
    expect(budget.take('203.0.113.7')).toBe(false);
    now = 60_000;
    expect(budget.take('203.0.113.7')).toBe(true);
    expect(budget.take('198.51.100.1')).toBe(true);
  });
});
