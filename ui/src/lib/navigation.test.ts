import { describe, expect, it } from 'vitest';

import { allowedView, viewsFor, VIEWS } from './navigation';

describe('views', () => {
  it('offers every view, or only the dashboard and the guide on a read-only workstation', () => {
    expect(viewsFor(false)).toEqual(VIEWS);
    expect(VIEWS).toContain('guide');
    expect(viewsFor(true)).toEqual(['dashboard', 'guide']);
  });

  it('sends a read-only workstation back to the dashboard', () => {
    expect(allowedView('orders', false)).toBe('orders');
    expect(allowedView('orders', true)).toBe('dashboard');
    expect(allowedView('audit', true)).toBe('dashboard');
    expect(allowedView('dashboard', true)).toBe('dashboard');
    expect(allowedView('guide', true)).toBe('guide');
  });
});
