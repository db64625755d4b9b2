// The app's views: the dashboard stays the home; orders, the "Avant de commander" guide and
// the audit log sit beside it.

export const VIEWS = ['dashboard', 'orders', 'guide', 'audit'] as const;
export type View = (typeof VIEWS)[number];

/**
 * A read-only workstation (a secretary's) shows the dashboard and the guide (ANS's
 * procedure, read only): no orders, no journal.
 */
export function viewsFor(readOnly: boolean): readonly View[] {
  return readOnly ? ['dashboard', 'guide'] : VIEWS;
}

/** The view to show: the one asked for when it is offered, else the dashboard. */
export function allowedView(view: View, readOnly: boolean): View {
  return viewsFor(readOnly).includes(view) ? view : 'dashboard';
}
