// The app's views: the dashboard stays the home; orders and the audit log sit beside it,
// and the Groupe view (the group inventory) when a group is configured.

export const VIEWS = ['dashboard', 'orders', 'audit', 'group'] as const;
export type View = (typeof VIEWS)[number];

/**
 * A read-only workstation (a secretary's) shows the dashboard only, no orders, no journal;
 * the Groupe view is offered wherever a group is configured (reading it is allowed
 * everywhere).
 */
export function viewsFor(readOnly: boolean, group = false): readonly View[] {
  const views: View[] = readOnly ? ['dashboard'] : ['dashboard', 'orders', 'audit'];
  if (group) views.push('group');
  return views;
}

/** The view to show: the one asked for when it is offered, else the dashboard. */
export function allowedView(view: View, readOnly: boolean, group = false): View {
  return viewsFor(readOnly, group).includes(view) ? view : 'dashboard';
}
