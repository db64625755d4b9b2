import { describe, expect, it } from 'vitest';

import { allowedView, viewsFor, VIEWS } from './navigation';

describe('views', () => {
  it('offers every view, or only the dashboard and the guide on a read-only workstation', () => {
    expect(viewsFor(false, true)).toEqual(VIEWS);
    expect(viewsFor(false)).toEqual(['dashboard', 'orders', 'guide', 'audit']);
    expect(VIEWS).toContain('guide');
    expect(viewsFor(true)).toEqual(['dashboard', 'guide']);
  });

  it('offers the Groupe view when a group is configured, read-only or not', () => {
    expect(viewsFor(true, true)).toEqual(['dashboard', 'guide', 'group']);
    expect(allowedView('group', true, true)).toBe('group');
    expect(allowedView('group', false, false)).toBe('dashboard');
  });

  it('sends a read-only workstation back to the dashboard', () => {
    expect(allowedView('orders', false)).toBe('orders');
    expect(allowedView('orders', true)).toBe('dashboard');
    expect(allowedView('audit', true)).toBe('dashboard');
    expect(allowedView('dashboard', true)).toBe('dashboard');
    expect(allowedView('guide', true)).toBe('guide');
  });
});
