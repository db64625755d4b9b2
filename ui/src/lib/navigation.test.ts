import { describe, expect, it } from 'vitest';

import { allowedView, viewsFor, VIEWS } from './navigation';

describe('views', () => {
  it('offers every view, or only the dashboard on a read-only workstation', () => {
    expect(viewsFor(false, true)).toEqual(VIEWS);
    expect(viewsFor(false)).toEqual(['dashboard', 'orders', 'audit']);
    expect(viewsFor(true)).toEqual(['dashboard']);
  });

  it('offers the Groupe view when a group is configured, read-only or not', () => {
    expect(viewsFor(true, true)).toEqual(['dashboard', 'group']);
    expect(allowedView('group', true, true)).toBe('group');
    expect(allowedView('group', false, false)).toBe('dashboard');
  });

  it('sends a read-only workstation back to the dashboard', () => {
    expect(allowedView('orders', false)).toBe('orders');
    expect(allowedView('orders', true)).toBe('dashboard');
    expect(allowedView('audit', true)).toBe('dashboard');
    expect(allowedView('dashboard', true)).toBe('dashboard');
  });
});
