import { describe, expect, it } from 'vitest';

import { CHASE_AFTER_DAYS, toChase } from './pending';

describe('pending orders', () => {
  it('are to chase beyond 7 days without the portal’s certificate', () => {
    expect(CHASE_AFTER_DAYS).toBe(7);
    expect(toChase({ days_waiting: 0 })).toBe(false);
    expect(toChase({ days_waiting: 7 })).toBe(false);
    expect(toChase({ days_waiting: 8 })).toBe(true);
    expect(toChase({ days_waiting: 40 })).toBe(true);
  });
});
