// The app's views: the dashboard stays the home; orders, the "Avant de commander" guide and
// the audit log sit beside it, and the Groupe view (the group inventory) when a group is
// configured.

export const VIEWS = ['dashboard', 'orders', 'guide', 'audit', 'group'] as const;
export type View = (typeof VIEWS)[number];

/**
 * A read-only workstation (a secretary's) shows the dashboard and the guide (ANS's
 * procedure, read only): no orders, no journal. The Groupe view is offered wherever a group
 * is configured (reading it is allowed everywhere).
 */
export function viewsFor(readOnly: boolean, group = false): readonly View[] {
  const views: View[] = readOnly ? ['dashboard', 'guide'] : ['dashboard', 'orders', 'guide', 'audit'];
  if (group) views.push('group');
  return views;
}

/** The view to show: the one asked for when it is offered, else the dashboard. */
export function allowedView(view: View, readOnly: boolean, group = false): View {
  return viewsFor(readOnly, group).includes(view) ? view : 'dashboard';
}
