// The app's views: the dashboard stays the home; orders and the audit log sit beside it.

export const VIEWS = ['dashboard', 'orders', 'audit'] as const;
export type View = (typeof VIEWS)[number];
